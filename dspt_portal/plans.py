"""Plan verbs: start, edit rows, sign off, snapshot and submit. Views call these; rules live in domain/."""

import datetime as dt
from dataclasses import dataclass

from peewee import prefetch

from . import audit
from .domain import workflow
from .domain.catalogue import ref_sort_key
from .domain.dates import DateError, format_date, parse_user_date
from .domain.hashing import content_hash
from .domain.validation import (
    MilestoneInput,
    Problem,
    RowCheck,
    RowInput,
    YearRules,
    plan_problems,
    submission_blockers,
    validate_row,
)
from .domain.workflow import PlanState
from .extensions import db
from .models import (
    DateChange,
    EvidenceItem,
    Milestone,
    OrganisationStatus,
    Plan,
    PlanRow,
    SignOff,
    Submission,
    ToolkitYear,
    stamp,
    utcnow,
)
from .prepared import Prepared, mark, param

TEXT_FIELDS = (
    "current_position",
    "actions",
    "owner",
    "covid_impact",
    "covid_note",
    "exceptional_circumstances",
)
FIELD_LABELS = {
    "current_position": "current position",
    "actions": "actions required",
    "owner": "action owner",
    "covid_impact": "COVID impact",
    "covid_note": "COVID impact note",
    "exceptional_circumstances": "exceptional circumstances",
    "completion_date": "completion date",
    "milestones": "milestones",
    "partial": "partial response",
}


class StaleEdit(Exception):
    """The row changed since the editor loaded it; carries the saved row so both versions can be shown."""

    def __init__(self, row: PlanRow):
        super().__init__("stale edit")
        self.row = row


class NotEditable(Exception):
    """The plan is with NHS England (or finished), so the organisation cannot change it now."""


def year_rules(year: ToolkitYear) -> YearRules:
    return YearRules(label=year.label, latest_completion_date=year.latest_completion_date)


def load_rows(plan: Plan) -> list[PlanRow]:
    """Rows with their evidence items and milestones in three queries, sorted like the catalogue."""
    rows = PlanRow.select(PlanRow, EvidenceItem).join(EvidenceItem).where(PlanRow.plan == plan.id)
    milestones = Milestone.select().order_by(Milestone.position)
    rows = prefetch(rows, milestones)
    return sorted(rows, key=lambda r: ref_sort_key(r.evidence_item.ref))


def row_input(row: PlanRow) -> RowInput:
    return RowInput(
        current_position=row.current_position,
        actions=row.actions,
        milestones=[MilestoneInput(m.description, m.date_text) for m in row.milestones],
        completion_date=row.completion_date_text,
        owner=row.owner,
        covid_impact=row.covid_impact,
        covid_note=row.covid_note,
        exceptional_circumstances=row.exceptional_circumstances,
    )


def check_rows(plan: Plan, rows: list[PlanRow], today: dt.date) -> list[tuple[PlanRow, RowCheck]]:
    rules = year_rules(plan.toolkit_year)
    return [(row, validate_row(row_input(row), rules, today)) for row in rows]


def readiness(plan: Plan, checked: list[tuple[PlanRow, RowCheck]], sign_off_state) -> list[Problem]:
    """Everything that blocks submission, in plan order."""
    problems = plan_problems([(row.evidence_item.ref, check) for row, check in checked])
    signed, current = sign_off_state
    return submission_blockers(problems, sign_off_current=current, has_sign_off=signed is not None)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def row_dict(row: PlanRow) -> dict:
    item = row.evidence_item
    return {
        "ref": item.ref,
        "standard": item.standard,
        "standard_title": item.standard_title,
        "assertion": item.assertion,
        "text": item.text,
        "partial": row.partial,
        "current_position": row.current_position,
        "actions": row.actions,
        "milestones": [
            {"date": _iso(m.date), "date_text": m.date_text, "description": m.description}
            for m in row.milestones
        ],
        "completion_date": _iso(row.completion_date),
        "completion_date_text": row.completion_date_text,
        "owner": row.owner,
        "covid_impact": row.covid_impact,
        "covid_note": row.covid_note,
        "exceptional_circumstances": row.exceptional_circumstances,
        "progress_status": row.progress_status,
        "actual_completion_date": _iso(row.actual_completion_date),
        "progress_note": row.progress_note,
    }


def plan_hash(rows: list[PlanRow]) -> str:
    return content_hash([row_dict(r) for r in rows])


def sign_off_state(plan: Plan, rows: list[PlanRow]) -> tuple[SignOff | None, bool]:
    """The latest sign-off and whether it still matches the plan's content."""
    latest = plan.sign_offs.order_by(SignOff.signed_at.desc(), SignOff.id.desc()).first()
    return latest, bool(latest and latest.content_hash == plan_hash(rows))


def reference(plan: Plan) -> str:
    return f"IP-{plan.toolkit_year.label}-{plan.organisation.ods_code}-{plan.id}"


def snapshot(plan: Plan, rows: list[PlanRow] | None = None) -> dict:
    """The whole plan as plain data (docs/snapshot-format.md)."""
    rows = load_rows(plan) if rows is None else rows
    org, year = plan.organisation, plan.toolkit_year
    signed, current = sign_off_state(plan, rows)
    return {
        "format": 1,
        "plan": {
            "id": plan.id,
            "reference": reference(plan),
            "version": plan.version,
            "state": plan.state,
            "toolkit_status": workflow.toolkit_status(plan.state),
            "content_hash": plan_hash(rows),
        },
        "toolkit_year": {
            "label": year.label,
            "version": year.version,
            "latest_completion_date": _iso(year.latest_completion_date),
        },
        "organisation": {
            "ods_code": org.ods_code,
            "name": org.name,
            "type": org.org_type,
            "region": org.region.name if org.region_id else None,
        },
        "sign_off": signed
        and {
            "name": signed.name,
            "role": signed.role,
            "board": signed.board,
            "meeting_date": _iso(signed.meeting_date),
            "minute_reference": signed.minute_reference,
            "signed_at": signed.signed_at.replace(tzinfo=dt.UTC).isoformat(),
            "content_hash": signed.content_hash,
            "current": current,
        },
        "rows": [row_dict(r) for r in rows],
        "generated_at": utcnow().replace(tzinfo=dt.UTC).isoformat(timespec="seconds"),
    }


def ensure_editable(plan: Plan) -> None:
    if not workflow.editable_by_organisation(plan.state):
        raise NotEditable(
            "This plan has been submitted and cannot be changed until NHS England asks for changes"
        )


def _plan_state_query(locking: bool):
    query = Plan.select(Plan.id, Plan.state).where(Plan.id == mark(0))
    return query.for_update() if locking else query


_plan_state = Prepared(_plan_state_query)


def _lock_editable(plan: Plan) -> None:
    """Inside the write transaction: lock the plan and check it is still editable, so no change
    lands after a submission read the plan a moment ago (submit takes the same lock first; on
    SQLite the IMMEDIATE transaction already serialises writers)."""
    plan.state = _plan_state.first(_supports_for_update(), plan.id).state
    ensure_editable(plan)


def start_plan(
    user, organisation, year: ToolkitYear, selection: list[tuple[EvidenceItem, bool]], today: dt.date
) -> Plan:
    """Create a draft plan with one row per chosen evidence item (item, answered-partially)."""
    with db.atomic():
        plan = Plan.create(organisation=organisation, toolkit_year=year, created_by=user.id)
        for item, partial in selection:
            PlanRow.create(plan=plan, evidence_item=item, partial=partial, updated_by=user.id)
        _ensure_status(plan, today)
        audit.record(
            user,
            "plan_started",
            f"Started the {year.label} plan with {len(selection)} evidence items",
            plan=plan,
            after={"refs": [i.ref for i, _ in selection]},
        )
    return plan


def add_rows(user, plan: Plan, selection: list[tuple[EvidenceItem, bool]]) -> None:
    ensure_editable(plan)
    with db.atomic():
        _lock_editable(plan)
        for item, partial in selection:
            PlanRow.create(plan=plan, evidence_item=item, partial=partial, updated_by=user.id)
        _bump(plan)
        audit.record(
            user,
            "rows_added",
            "Added evidence items " + ", ".join(i.ref for i, _ in selection),
            plan=plan,
            after={"refs": [i.ref for i, _ in selection]},
        )


def remove_row(user, plan: Plan, row: PlanRow) -> None:
    ensure_editable(plan)
    with db.atomic():
        _lock_editable(plan)
        before = row_dict(row)
        row.delete_instance(recursive=True)
        _bump(plan)
        audit.record(user, "row_removed", f"Removed evidence item {before['ref']}", plan=plan, before=before)


@dataclass
class RowEdit:
    """What the editor sent for one row."""

    values: RowInput
    partial: bool
    version: int


# The statements of a row save, compiled once (autosave runs them on every change).
_row_milestones = Prepared(
    lambda _: Milestone.select().where(Milestone.row == mark(0)).order_by(Milestone.position)
)
_update_row = Prepared(
    lambda _: PlanRow.update(
        **{name: param(i) for i, name in enumerate(TEXT_FIELDS)},
        partial=param(6),
        completion_date_text=param(7),
        completion_date=param(8),
        version=PlanRow.version + 1,
        updated_at=param(9),
        updated_by=param(10),
    ).where((PlanRow.id == mark(11)) & (PlanRow.version == mark(12)))
)
_delete_milestones = Prepared(lambda _: Milestone.delete().where(Milestone.row == mark(0)))
_bump_plan = Prepared(
    lambda _: Plan.update(version=Plan.version + 1, updated_at=param(0)).where(Plan.id == mark(1))
)


def save_row(user, plan: Plan, row: PlanRow, edit: RowEdit, today: dt.date) -> RowCheck:
    """Save a row as typed (valid or not, so nothing is lost) unless someone else saved it first.

    `row` is the row as just read; on success its version is the saved one. Autosave posts on every
    change, so this does the least it can: nothing at all when the row is unchanged, and only the
    statements a change needs (milestones are rewritten only when they changed)."""
    ensure_editable(plan)
    check = validate_row(edit.values, year_rules(plan.toolkit_year), today)
    kept = [m for m in edit.values.milestones if m.description.strip() or m.date.strip()]
    if "milestones" not in row.__dict__:  # not loaded with the row
        row.milestones = _row_milestones.all(None, row.id)
    before = row_dict(row)
    after = _after(before, edit, check, kept)
    if after == before and edit.version == row.version:
        # Nothing to write: the version stays, so the same row open in another tab does not go
        # stale and autosave may post an unchanged row any number of times.
        return check
    with db.atomic():
        _lock_editable(plan)
        # Optimistic lock: the update only matches if nobody saved since this editor loaded the row.
        updated = _update_row.execute(
            None,
            *(after[name] for name in TEXT_FIELDS),
            edit.partial,
            after["completion_date_text"],
            check.completion_date,
            utcnow(),
            user.id,
            row.id,
            edit.version,
        )
        if not updated:
            raise StaleEdit(PlanRow.get_by_id(row.id))
        if after["milestones"] != before["milestones"]:
            _delete_milestones.execute(None, row.id)
            if kept:
                Milestone.insert_many(
                    [
                        {
                            "row": row.id,
                            "position": position,
                            "description": m["description"],
                            "date_text": m["date_text"],
                            "date": m["date"] and dt.date.fromisoformat(m["date"]),
                        }
                        for position, m in enumerate(after["milestones"])
                    ]
                ).execute()
        changes = _describe_changes(before, after)
        if changes:
            _bump(plan)
            if before["completion_date"] != after["completion_date"]:
                DateChange.create(
                    row=row.id,
                    old_date=before["completion_date"],
                    new_date=after["completion_date"],
                    changed_by=user.id,
                )
            audit.record(
                user,
                "row_changed",
                "; ".join(f"{c} for {before['ref']}" for c in changes),
                plan=plan,
                before=before,
                after=after,
            )
    row.version = edit.version + 1
    return check


def _after(before: dict, edit: RowEdit, check: RowCheck, kept: list[MilestoneInput]) -> dict:
    """The row_dict the row will have once this edit is saved (texts cut to their columns)."""
    return {
        **before,
        **{name: _fit(getattr(PlanRow, name), getattr(edit.values, name)) for name in TEXT_FIELDS},
        "partial": edit.partial,
        "completion_date_text": _fit(PlanRow.completion_date_text, edit.values.completion_date),
        "completion_date": _iso(check.completion_date),
        "milestones": [
            {
                "date": _iso(_parsed(m.date)),
                "date_text": _fit(Milestone.date_text, m.date),
                "description": m.description,
            }
            for m in kept
        ],
    }


def _fit(column, text: str) -> str:
    """Text as typed, cut to its column's width. Validation already refuses over-long values with a
    message (well inside the width) and the editor keeps showing what was typed; this only stops a
    pasted essay from failing the whole save on PostgreSQL, which enforces varchar lengths."""
    width = getattr(column, "max_length", None)
    return text[:width] if width and text else text


def _parsed(text: str) -> dt.date | None:
    try:
        return parse_user_date(text, "Date")
    except DateError:
        return None


def _show(field: str, value) -> str:
    if field in ("completion_date",) and value:
        return format_date(dt.date.fromisoformat(value))
    return str(value) if value not in (None, "") else "blank"


def _describe_changes(before: dict, after: dict) -> list[str]:
    """Readable audit lines: 'Changed completion date from 30/06/2024 to 31/03/2024'."""
    lines = []
    for field in ("completion_date", "owner", "covid_impact", "partial"):
        if before[field] != after[field]:
            lines.append(
                f"Changed {FIELD_LABELS[field]} from {_show(field, before[field])} "
                f"to {_show(field, after[field])}"
            )
    if (
        before["completion_date"] == after["completion_date"]
        and before["completion_date_text"] != after["completion_date_text"]
        and not after["completion_date"]
    ):
        lines.append(f"Changed {FIELD_LABELS['completion_date']}")
    for field in ("current_position", "actions", "covid_note", "exceptional_circumstances", "milestones"):
        if before[field] != after[field]:
            lines.append(f"Changed {FIELD_LABELS[field]}")
    return lines


def _bump(plan: Plan) -> None:
    _bump_plan.execute(None, utcnow(), plan.id)
    plan.version += 1


def record_sign_off(user, plan: Plan, *, name, role, board, meeting_date, minute_reference) -> SignOff:
    """Bind a signatory's sign-off to the plan's current content."""
    ensure_editable(plan)
    with db.atomic():
        _lock_editable(plan)
        rows = load_rows(plan)  # read under the lock, so the hash is of what is really there
        sign_off = SignOff.create(
            plan=plan,
            name=name,
            role=role,
            board=board,
            meeting_date=meeting_date,
            minute_reference=minute_reference,
            content_hash=plan_hash(rows),
            signed_by=user.id,
        )
        audit.record(
            user,
            "signed_off",
            f"Recorded sign-off by {name} ({role}), {board}",
            plan=plan,
            after={"content_hash": sign_off.content_hash},
        )
    return sign_off


class NotReady(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("not ready")
        self.problems = problems


def submit(user, plan: Plan, today: dt.date) -> Submission:
    """Store an immutable snapshot and hand the plan to NHS England, if nothing blocks it."""
    with db.atomic():
        # Re-read inside the transaction so the snapshot and the checks see the same rows.
        plan = (
            Plan.select().where(Plan.id == plan.id).for_update().get()
            if _supports_for_update()
            else Plan.get_by_id(plan.id)
        )
        rows = load_rows(plan)
        problems = readiness(plan, check_rows(plan, rows, today), sign_off_state(plan, rows))
        if problems:
            raise NotReady(problems)
        new_state = workflow.decide(plan.state, workflow.Action.submit, user.role)
        data = snapshot(plan, rows)
        data["plan"]["state"] = str(new_state)
        number = plan.submissions.count() + 1
        submission = Submission.create(
            plan=plan,
            kind="plan",
            number=number,
            plan_version=plan.version,
            snapshot=data,
            content_hash=data["plan"]["content_hash"],
            submitted_by=user.id,
            submitted_at=stamp(today),
        )
        Plan.update(state=str(new_state), submitted_at=stamp(today)).where(Plan.id == plan.id).execute()
        audit.record(
            user,
            "submitted",
            f"Submitted the plan to NHS England (submission {number})",
            plan=plan,
            before={"state": plan.state},
            after={"state": str(new_state)},
        )
        plan.state = str(new_state)
    return submission


def _supports_for_update() -> bool:
    from peewee import PostgresqlDatabase

    return isinstance(db.obj, PostgresqlDatabase)


def _ensure_status(plan: Plan, today: dt.date) -> None:
    """A plan means the organisation published as Standards Not Met for that year."""
    OrganisationStatus.get_or_create(
        organisation=plan.organisation_id,
        toolkit_year=plan.toolkit_year_id,
        defaults={"status": workflow.toolkit_status(PlanState.draft), "published_on": today},
    )


def apply_import(user, plan: Plan, rows: list[dict], catalogue: dict, today: dt.date) -> int:
    """Apply imported rows in one transaction: add new items, overwrite changed ones; all or nothing."""
    ensure_editable(plan)
    changed = 0
    with db.atomic():
        existing = {r.evidence_item.ref: r for r in load_rows(plan)}
        for data in rows:
            row = existing.get(data["ref"])
            if row is None:
                row = PlanRow.create(plan=plan, evidence_item=catalogue[data["ref"]], updated_by=user.id)
                row.evidence_item = catalogue[data["ref"]]
            before = row_dict(row)
            values = RowInput(
                current_position=data.get("current_position") or "",
                actions=data.get("actions") or "",
                milestones=[
                    MilestoneInput(m.get("description") or "", _uk(m.get("date")))
                    for m in data.get("milestones") or []
                ],
                completion_date=_uk(data.get("completion_date")),
                owner=data.get("owner") or "",
                covid_impact=data.get("covid_impact") or "",
                covid_note=data.get("covid_note") or "",
                exceptional_circumstances=data.get("exceptional_circumstances") or "",
            )
            edit = RowEdit(values=values, partial=bool(data.get("partial")), version=row.version)
            save_row(user, plan, row, edit, today)
            if before != row_dict(PlanRow.get_by_id(row.id)) or row.id not in {
                r.id for r in existing.values()
            }:
                changed += 1
        audit.record(user, "imported", f"Imported {len(rows)} rows from a spreadsheet", plan=plan)
    return changed


def _uk(iso: str | None) -> str:
    """Imported dates come as ISO; store them as users type them."""
    return format_date(dt.date.fromisoformat(iso)) if iso else ""
