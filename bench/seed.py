"""A realistic benchmark database: 5,000 organisations and plans, 1-200 rows each, submissions and reviews.

Bulk inserts (peewee insert_many inside db.atomic()), never the views. Submission snapshots are
built once with plans.snapshot() from one plan per year that holds every evidence item, and each
plan's snapshot reuses those rows. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from peewee import chunked

from dspt_portal import passwords, reference, roles
from dspt_portal import plans as plan_verbs
from dspt_portal.database import upgrade
from dspt_portal.domain import workflow
from dspt_portal.domain.hashing import content_hash
from dspt_portal.domain.orgs import REGIONAL_TYPES
from dspt_portal.extensions import db
from dspt_portal.models import (
    AuditEvent,
    Decision,
    EvidenceItem,
    Milestone,
    Organisation,
    OrganisationStatus,
    Plan,
    PlanRow,
    Region,
    RowComment,
    SignOff,
    Submission,
    ToolkitYear,
    User,
)

TODAY = dt.date(2023, 7, 17)  # inside the 2022-23 cycle, like the demo
PASSWORD = "bench-password-1"
CATALOGUE_SIZE = 200  # per year: the bundled catalogue topped up with synthetic items
ORG_TYPES = [  # (type, weight): Local Authorities are the largest group, then trusts
    ("NHS Trust", 20),
    ("Foundation Trust", 15),
    ("ICB", 5),
    ("CSU", 5),
    ("Local Authority", 45),
    ("Arm's Length Body", 10),
]
STATES = [  # (state, weight) of the 5,000 plans
    ("draft", 30),
    ("submitted", 20),
    ("changes_requested", 8),
    ("agreed", 30),
    ("completion_submitted", 3),
    ("completed", 9),
]
BATCH = 400  # rows per INSERT: below SQLite's variable limit for the widest table

# Texts of realistic length (like tests/exports/sample.py); a row's text depends on its ref only.
POSITIONS = [
    "The information asset register was last reviewed in 2021 and misses two new systems and their data flows.",
    "63% of staff completed data security awareness training this year; the target is 95%.",
    "Unsupported operating systems remain on 14 devices in pathology; replacement is funded but not scheduled.",
    "The business continuity plan has not been tested since the move to the new data centre.",
    "Supplier contracts do not all contain the required data security clauses; 12 of 40 are reviewed.",
]
ACTIONS = [
    "Review the register with every asset owner, add the missing systems and their flows, and have the "
    "IG group approve the updated register and data flow map.",
    "Run monthly reminders through line managers, add training to the induction checklist and report "
    "completion to the board each quarter until 95% of staff have completed it.",
    "Replace or isolate the remaining devices, record exceptions with a risk owner and confirm the position "
    "with the Cyber Security Operations Centre.",
    "Run a tabletop exercise with the on-call managers, record lessons learned and update the plan.",
    "Agree a contract variation with each remaining supplier and record the outcome in the contract register.",
]
OWNERS = [
    "Priya Shah, Information Governance Lead",
    "Tom Reid, Head of HR",
    "Ana Costa, CIO",
    "Sam Patel, SIRO",
    "Jo Bloggs, Head of IG",
]


@dataclass
class BenchData:
    """What the benchmark needs to find in the database it built."""

    plans: int = 0
    rows: int = 0
    submissions: int = 0
    editors: dict[str, str] = field(default_factory=dict)  # label -> e-mail
    plan_ids: dict[str, int] = field(default_factory=dict)  # label -> plan id
    row_ids: dict[str, int] = field(default_factory=dict)  # label -> a row of that plan
    save_plans: list[tuple[str, int, int]] = field(default_factory=list)  # (editor e-mail, plan, row)
    national: str = "bench.national@example.org"
    rsl_london: str = "bench.rsl.london@example.org"
    london_region: int = 0
    password: str = PASSWORD


def row_values(ref: str) -> dict:
    """A complete, valid row for this evidence item (the same text for the same ref in every plan)."""
    n = sum(map(ord, ref))
    return {
        "current_position": POSITIONS[n % len(POSITIONS)],
        "actions": ACTIONS[n % len(ACTIONS)],
        "completion_date_text": "31/03/2024",
        "completion_date": dt.date(2024, 3, 31),
        "owner": OWNERS[n % len(OWNERS)],
        "covid_impact": ("no", "yes", "")[n % 3],
        "covid_note": "Training was paused while staff were redeployed." if n % 3 == 1 else "",
        "milestones": [
            ("Asset owners confirm their entries", "30/09/2023", dt.date(2023, 9, 30)),
            ("Approved by the IG group", "30/11/2023", dt.date(2023, 11, 30)),
        ][: 1 + n % 2],
    }


def row_count(rng: random.Random) -> int:
    """Skewed like reality: most plans have 1-30 rows, some up to 100, a few 200."""
    r = rng.random()
    if r < 0.85:
        return max(1, min(30, int(rng.triangular(1, 31, 6))))
    if r < 0.97:
        return rng.randint(31, 100)
    if r < 0.99:
        return rng.randint(101, 199)
    return CATALOGUE_SIZE


def _bulk(model, rows: list[dict]) -> None:
    # insert_many takes its columns from the first row: every row must have the same keys.
    assert all(row.keys() == rows[0].keys() for row in rows), model
    for batch in chunked(rows, BATCH):
        model.insert_many(batch).execute()


def _top_up_catalogue(year: ToolkitYear) -> list[EvidenceItem]:
    """Synthetic items (other organisation categories) so a year has CATALOGUE_SIZE items."""
    items = list(EvidenceItem.select().where(EvidenceItem.toolkit_year == year.id))
    titles = {i.standard: i.standard_title for i in items}
    extra, k = [], 1
    while len(items) + len(extra) < CATALOGUE_SIZE:
        for standard in range(1, 11):
            if len(items) + len(extra) >= CATALOGUE_SIZE:
                break
            extra.append(
                {
                    "toolkit_year": year.id,
                    "standard": standard,
                    "standard_title": titles.get(standard, "Other"),
                    "assertion": f"{standard}.9",
                    "ref": f"{standard}.9.{k}",
                    "mandatory": False,
                    "org_types": "",
                    "text": "Synthetic evidence item for benchmarking: the organisation has a documented and "
                    "tested process for this requirement, approved by its SIRO.",
                }
            )
        k += 1
    _bulk(EvidenceItem, extra)
    return list(EvidenceItem.select().where(EvidenceItem.toolkit_year == year.id).order_by(EvidenceItem.id))


def build(total_plans: int = 5000, seed: int = 7) -> BenchData:
    """Fill an empty, migrated database. Call inside an app context with the database connected."""
    rng = random.Random(seed)
    upgrade()
    reference.load_all()
    years = {y.label: y for y in ToolkitYear.select()}
    plan_years = [years["2022-23"], years["2021-22"]]
    catalogue = {y.id: _top_up_catalogue(y) for y in plan_years}
    regions = list(Region.select().order_by(Region.id))
    london = next(r for r in regions if r.name == "London")
    data = BenchData(london_region=london.id)
    password_hash = passwords.hash_password(PASSWORD)
    now = dt.datetime(2023, 7, 17, 9, 0)

    with db.atomic():
        # Organisations: one plan each (an organisation has one plan per toolkit year).
        orgs = []
        for n in range(1, total_plans + 1):
            org_type = rng.choices([t for t, _ in ORG_TYPES], [w for _, w in ORG_TYPES])[0]
            region = None if org_type == "Arm's Length Body" and n % 2 else rng.choice(regions)
            orgs.append(
                {
                    "id": n,
                    "ods_code": f"B{n:04d}",
                    "name": f"Benchmark organisation {n} ({org_type})",
                    "org_type": org_type,
                    "region": region.id if region else None,
                    "created_at": now,
                }
            )
        _bulk(Organisation, orgs)

        users = [
            {
                "id": n,
                "email": f"editor{n}@example.org",
                "full_name": f"Editor {n}",
                "password_hash": password_hash,
                "role": roles.ORG_EDITOR,
                "organisation": n,
                "region": None,
                "created_at": now,
                "session_epoch": 0,
                "active": True,
            }
            for n in range(1, total_plans + 1)
        ]
        uid = total_plans
        users.append(
            {
                "id": (national := uid + 1),
                "email": data.national,
                "full_name": "National Reviewer",
                "password_hash": password_hash,
                "role": roles.NATIONAL_REVIEWER,
                "created_at": now,
                "organisation": None,
                "region": None,
                "session_epoch": 0,
                "active": True,
            }
        )
        rsl = {}
        for i, region in enumerate(regions):
            email = data.rsl_london if region.id == london.id else f"rsl{region.id}@example.org"
            rsl[region.id] = uid + 2 + i
            users.append(
                {
                    "id": rsl[region.id],
                    "email": email,
                    "full_name": f"RSL {region.name}",
                    "password_hash": password_hash,
                    "role": roles.REGIONAL_REVIEWER,
                    "region": region.id,
                    "organisation": None,
                    "created_at": now,
                    "session_epoch": 0,
                    "active": True,
                }
            )
        _bulk(User, users)

        # Plans the benchmark uses, pinned to known organisations: (label, rows, state).
        pinned = {
            1: ("all-2022", CATALOGUE_SIZE, "draft", 0),
            2: ("all-2021", CATALOGUE_SIZE, "draft", 1),
            3: ("editor-50", 50, "draft", 0),
            4: ("editor-200", CATALOGUE_SIZE, "draft", 0),
            5: ("pdf-10", 10, "draft", 0),
            6: ("stored-50", 50, "submitted", 0),
            7: ("home", 20, "agreed", 0),
        }
        for k in range(8):  # one plan per benchmark connection that saves rows
            pinned[8 + k] = (f"save-{k}", 20, "draft", 0)

        plans, rows, milestones, statuses, audits = [], [], [], [], []
        plan_refs: dict[int, list[str]] = {}
        row_id = milestone_id = 0
        for n in range(1, total_plans + 1):
            label, count, state, year_index = pinned.get(n, (None, None, None, None))
            year = (
                plan_years[year_index]
                if year_index is not None
                else (plan_years[0] if rng.random() < 0.75 else plan_years[1])
            )
            state = state or rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
            count = count or row_count(rng)
            items = sorted(rng.sample(catalogue[year.id], count), key=lambda i: i.id)
            submitted_at = (
                None
                if state == "draft"
                else now - dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
            )
            org = orgs[n - 1]
            assigned = None
            if state != "draft" and rng.random() < 0.25:
                assigned = (
                    rsl[org["region"]] if org["region"] and org["org_type"] in REGIONAL_TYPES else national
                )
            plans.append(
                {
                    "id": n,
                    "organisation": n,
                    "toolkit_year": year.id,
                    "state": state,
                    "version": 3,
                    "assigned_to": assigned,
                    "created_by": n,
                    "created_at": now - dt.timedelta(days=90),
                    "updated_at": now - dt.timedelta(days=61),
                    "submitted_at": submitted_at,
                    "agreed_on": (submitted_at + dt.timedelta(days=14)).date()
                    if state in ("agreed", "completion_submitted", "completed")
                    else None,
                    "exception_accepted_by": "",
                }
            )
            if label:
                data.plan_ids[label] = n
                data.editors[label] = f"editor{n}@example.org"
            plan_refs[n] = [i.ref for i in items]
            # Drafts: some rows not started yet; everything else is filled in.
            filled_share = 0.7 if state == "draft" and not label else 1.0
            for item in items:
                row_id += 1
                filled = rng.random() < filled_share
                values = row_values(item.ref) if filled else {}
                rows.append(
                    {
                        "id": row_id,
                        "plan": n,
                        "evidence_item": item.id,
                        "version": 2 if filled else 1,
                        "partial": False,
                        "current_position": values.get("current_position", ""),
                        "actions": values.get("actions", ""),
                        "completion_date_text": values.get("completion_date_text", ""),
                        "completion_date": values.get("completion_date"),
                        "owner": values.get("owner", ""),
                        "covid_impact": values.get("covid_impact", ""),
                        "covid_note": values.get("covid_note", ""),
                        "exceptional_circumstances": "",
                        "progress_status": "",
                        "actual_completion_date": None,
                        "progress_note": "",
                        "updated_at": now - dt.timedelta(days=62),
                        "updated_by": n,
                    }
                )
                for position, (description, text, date) in enumerate(values.get("milestones", [])):
                    milestone_id += 1
                    milestones.append(
                        {
                            "id": milestone_id,
                            "row": row_id,
                            "position": position,
                            "description": description,
                            "date_text": text,
                            "date": date,
                        }
                    )
                if label and label not in data.row_ids:
                    data.row_ids[label] = row_id
            if label and label.startswith("save-"):
                data.save_plans.append((f"editor{n}@example.org", n, data.row_ids[label]))
            statuses.append(
                {
                    "organisation": n,
                    "toolkit_year": year.id,
                    "published_on": year.publication_deadline,
                    "status": workflow.toolkit_status(state),
                    "updated_at": now,
                }
            )
            audits.append(
                {
                    "plan": n,
                    "organisation": n,
                    "actor": n,
                    "action": "plan_started",
                    "summary": f"Started the {year.label} plan with {count} evidence items",
                    "created_at": now - dt.timedelta(days=90),
                }
            )
        _bulk(Plan, plans)
        _bulk(PlanRow, rows)
        _bulk(Milestone, milestones)
        _bulk(OrganisationStatus, statuses)
        data.plans, data.rows = len(plans), len(rows)

        # Snapshots: rows of the two plans that hold the whole catalogue, reused by ref.
        sample_rows = {}
        for label in ("all-2022", "all-2021"):
            plan = Plan.get_by_id(data.plan_ids[label])
            sample = plan_verbs.snapshot(plan)
            sample_rows[plan.toolkit_year_id] = {r["ref"]: r for r in sample["rows"]}
        years_by_id = {y.id: y for y in plan_years}
        region_names = {r.id: r.name for r in regions}
        submissions, decisions, sign_offs, comments = [], [], [], []
        submission_id = 0
        for plan in plans:
            if plan["state"] == "draft":
                continue
            year, org = years_by_id[plan["toolkit_year"]], orgs[plan["id"] - 1]
            snapshot_rows = [sample_rows[year.id][ref] for ref in plan_refs[plan["id"]]]
            digest = content_hash(snapshot_rows)
            state = plan["state"]
            # Changes requested: submitted once, returned; agreed and later: submitted, agreed.
            kinds = ["plan"] + (["plan"] if state == "changes_requested" and rng.random() < 0.3 else [])
            if state in ("agreed", "completion_submitted", "completed") and rng.random() < 0.4:
                kinds.append("progress")
            if state in ("completion_submitted", "completed"):
                kinds.append("completion")
            at = plan["submitted_at"] - dt.timedelta(days=3 * (len(kinds) - 1))
            sign_offs.append(
                {
                    "plan": plan["id"],
                    "name": "Sam Patel",
                    "role": "SIRO",
                    "board": "Audit Committee",
                    "meeting_date": at.date(),
                    "minute_reference": "AC/1",
                    "content_hash": digest,
                    "signed_by": plan["id"],
                    "signed_at": at,
                }
            )
            for number, kind in enumerate(kinds, start=1):
                submission_id += 1
                snapshot = {
                    "format": 1,
                    "plan": {
                        "id": plan["id"],
                        "reference": f"IP-{year.label}-{org['ods_code']}-{plan['id']}",
                        "version": plan["version"],
                        "state": state,
                        "toolkit_status": workflow.toolkit_status(state),
                        "content_hash": digest,
                    },
                    "toolkit_year": {
                        "label": year.label,
                        "version": year.version,
                        "latest_completion_date": year.latest_completion_date.isoformat()
                        if year.latest_completion_date
                        else None,
                    },
                    "organisation": {
                        "ods_code": org["ods_code"],
                        "name": org["name"],
                        "type": org["org_type"],
                        "region": region_names.get(org["region"]),
                    },
                    "sign_off": {
                        "name": "Sam Patel",
                        "role": "SIRO",
                        "board": "Audit Committee",
                        "meeting_date": at.date().isoformat(),
                        "minute_reference": "AC/1",
                        "signed_at": at.isoformat() + "+00:00",
                        "content_hash": digest,
                        "current": True,
                    },
                    "rows": snapshot_rows,
                    "generated_at": at.isoformat(timespec="seconds") + "+00:00",
                }
                submissions.append(
                    {
                        "id": submission_id,
                        "plan": plan["id"],
                        "kind": kind,
                        "number": number,
                        "plan_version": plan["version"],
                        "snapshot": snapshot,
                        "content_hash": digest,
                        "submitted_by": plan["id"],
                        "submitted_at": at,
                        "pdf": None,
                        "acknowledged_by": national if kind == "progress" and rng.random() < 0.5 else None,
                        "acknowledged_at": at + dt.timedelta(days=1) if kind == "progress" else None,
                    }
                )
                if kind == "progress" and submissions[-1]["acknowledged_by"] is None:
                    submissions[-1]["acknowledged_at"] = None
                if kind == "plan" and (number < len(kinds) or state != "submitted"):
                    action, to_state = (
                        ("request_changes", "changes_requested")
                        if state == "changes_requested" or number < kinds.count("plan")
                        else ("agree", "agreed")
                    )
                    decisions.append(
                        {
                            "plan": plan["id"],
                            "submission": submission_id,
                            "action": action,
                            "from_state": "submitted",
                            "to_state": to_state,
                            "reason": "Milestones are missing for two rows." if action != "agree" else "",
                            "accepted_by": "",
                            "call_with_rsl": False,
                            "decided_by": national,
                            "decided_at": at + dt.timedelta(days=2),
                        }
                    )
                    if action != "agree" and snapshot_rows:
                        comments.append(
                            {
                                "submission": submission_id,
                                "ref": snapshot_rows[0]["ref"],
                                "body": "Add a milestone before the completion date.",
                                "author": national,
                                "created_at": at + dt.timedelta(days=2),
                            }
                        )
                at += dt.timedelta(days=3)
            audits.append(
                {
                    "plan": plan["id"],
                    "organisation": plan["id"],
                    "actor": plan["id"],
                    "action": "submitted",
                    "summary": "Submitted the plan to NHS England (submission 1)",
                    "created_at": at,
                }
            )
        _bulk(Submission, submissions)
        _bulk(Decision, decisions)
        _bulk(SignOff, sign_offs)
        _bulk(RowComment, comments)
        _bulk(AuditEvent, audits[len(plans) :])
        _bulk(AuditEvent, audits[: len(plans)])
        data.submissions = len(submissions)
    _reset_sequences()
    return data


def _reset_sequences() -> None:
    """Explicit ids were inserted: move PostgreSQL's sequences past them (SQLite needs nothing)."""
    from peewee import PostgresqlDatabase

    if not isinstance(db.obj, PostgresqlDatabase):
        return
    for model in (Organisation, User, Plan, PlanRow, Milestone, Submission, EvidenceItem):
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 (our tables)
            f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
        )
