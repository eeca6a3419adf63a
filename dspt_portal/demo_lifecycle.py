"""Demo plans in every review state, across regions and organisation types, made with the real verbs.

Every date is explicit and on or before 17 July 2023 (demo_plans.DEMO_TODAY), so the demo is
consistent at `make run`'s clock. Run the demo with PORTAL_TODAY=2023-10-20 to see R9F's progress
update overdue and escalated (due 30 September, escalation 14 October) while R9B's is on time.
"""

import datetime as dt

from . import notifications, passwords, reviews, roles
from . import plans as plan_verbs
from .demo_plans import DEMO_YEAR
from .domain.validation import MilestoneInput, RowInput
from .models import EvidenceItem, Organisation, Plan, Submission, ToolkitYear, User

D = dt.date

ROWS = {
    "1.1.4": RowInput(
        current_position="The information asset register misses three systems introduced in 2022.",
        actions="Review the register with every information asset owner, add the missing systems and "
        "map their data flows.",
        milestones=[MilestoneInput("Asset owners confirm their entries", "30/09/2023")],
        completion_date="31/12/2023",
        owner="Information Governance Manager",
        covid_impact="no",
    ),
    "3.2.1": RowInput(
        current_position="81% of staff completed data security awareness training in the year.",
        actions="Send monthly reminders through line managers and add training to the induction "
        "checklist so that 95% of staff complete it.",
        milestones=[MilestoneInput("Training added to the induction checklist", "31/08/2023")],
        completion_date="31/03/2024",
        owner="Head of Workforce Development",
        covid_impact="no",
    ),
}


def _people(org: Organisation, password_hash: str) -> tuple[User, User]:
    """The organisation's demo editor and signatory (demo.ACCOUNTS has them for some organisations)."""
    found = []
    for role, prefix, name in (
        (roles.ORG_EDITOR, "editor", "Demo editor"),
        (roles.ORG_SIGNATORY, "siro", "Demo SIRO"),
    ):
        user = User.select().where((User.organisation == org.id) & (User.role == role)).first()
        if user is None:
            user = User.create(
                email=f"{prefix}.{org.ods_code.lower()}@example.org",
                role=role,
                full_name=f"{name}, {org.name}",
                password_hash=password_hash,
                organisation=org,
            )
        found.append(user)
    return found[0], found[1]


def _on_day(plan: Plan, day: dt.date) -> None:
    """plans.submit stamps the real time: put the submission on the demo's day."""
    when = reviews.stamp(day)
    latest = plan.submissions.order_by(Submission.number.desc()).get()
    Submission.update(submitted_at=when).where(Submission.id == latest.id).execute()
    Plan.update(submitted_at=when).where(Plan.id == plan.id).execute()


def _submit(editor, siro, plan: Plan, day: dt.date) -> Plan:
    plan_verbs.record_sign_off(
        siro,
        plan,
        name=siro.full_name,
        role="SIRO",
        board="Audit Committee",
        meeting_date=day,
        minute_reference=f"AC/{day:%y}/{plan.id:03d}",
    )
    submission = plan_verbs.submit(editor, Plan.get_by_id(plan.id), day)
    _on_day(plan, day)
    notifications.plan_submitted(Plan.get_by_id(plan.id), submission)
    return Plan.get_by_id(plan.id)


def _start(editor, siro, org, year, day) -> Plan:
    items = {
        i.ref: i
        for i in EvidenceItem.select().where(
            (EvidenceItem.toolkit_year == year.id) & EvidenceItem.ref.in_(list(ROWS))
        )
    }
    plan = plan_verbs.start_plan(editor, org, year, [(items[ref], False) for ref in ROWS], day)
    for row in plan_verbs.load_rows(plan):
        plan_verbs.save_row(
            editor, plan, row, plan_verbs.RowEdit(ROWS[row.evidence_item.ref], False, row.version), day
        )
    return _submit(editor, siro, plan, day)


def _complete_rows(editor, plan, day):
    for row in plan_verbs.load_rows(plan):
        reviews.save_progress(
            editor, plan, row, "complete", day, "Done and evidenced in the toolkit", today=day
        )


def seed_lifecycle(password: str = "demo-password-1") -> int:  # noqa: S107 - the documented demo password
    """Create the missing demo plans; returns how many were created. Needs demo.seed's organisations."""
    year = ToolkitYear.get_or_none(ToolkitYear.label == DEMO_YEAR)
    rsl = User.get_or_none(User.email == "rsl.london@example.org")
    team = User.get_or_none(User.email == "dspt.team@example.org")
    if not (year and rsl and team):
        return 0
    orgs = {o.ods_code: o for o in Organisation.select()}
    password_hash = None
    created = 0
    for code, story in STORIES:
        org = orgs.get(code)
        if org is None or Plan.get_or_none(organisation=org, toolkit_year=year):
            continue
        password_hash = password_hash or passwords.hash_password(password)
        editor, siro = _people(org, password_hash)
        plan = _start(editor, siro, org, year, D(2023, 7, 3))
        story(plan, editor, siro, rsl if org.region and org.region.name == "London" else team)
        created += 1
    return created


def _submitted(plan, editor, siro, reviewer):
    """Waiting for review: nothing more to do."""


def _changes_requested(plan, editor, siro, reviewer):
    reviews.decide(
        reviewer,
        plan,
        "request_changes",
        call_with_rsl=True,
        today=D(2023, 7, 10),
        reason="3.2.1: say how you will reach the staff who have not trained, and by when.",
    )


def _resubmitted(plan, editor, siro, reviewer):
    _changes_requested(plan, editor, siro, reviewer)
    plan = Plan.get_by_id(plan.id)
    row = next(r for r in plan_verbs.load_rows(plan) if r.evidence_item.ref == "3.2.1")
    values = RowInput(
        **{
            **ROWS["3.2.1"].__dict__,
            "actions": ROWS["3.2.1"].actions.replace(
                "Send monthly reminders", "Send weekly reminders to the 190 untrained staff"
            ),
        }
    )
    plan_verbs.save_row(editor, plan, row, plan_verbs.RowEdit(values, False, row.version), D(2023, 7, 12))
    _submit(editor, siro, Plan.get_by_id(plan.id), D(2023, 7, 12))


def _agreed_with_update(plan, editor, siro, reviewer):
    reviews.decide(reviewer, plan, "agree", today=D(2023, 7, 12))
    plan = Plan.get_by_id(plan.id)
    for row in plan_verbs.load_rows(plan):
        reviews.save_progress(editor, plan, row, "in_progress", None, "Started on time", today=D(2023, 7, 17))
    reviews.submit_progress(editor, Plan.get_by_id(plan.id), today=D(2023, 7, 17))


def _agreed_no_update(plan, editor, siro, reviewer):
    reviews.decide(reviewer, plan, "agree", today=D(2023, 7, 14))


def _accepted_by_exception(plan, editor, siro, reviewer):
    team = User.get(User.email == "dspt.team@example.org")
    reviews.decide(
        team,
        plan,
        "accept_by_exception",
        accepted_by="Chris Lee, DSPT SRO",
        today=D(2023, 7, 11),
        reason="New ICB board in place from September: plan accepted on the SRO's judgement.",
    )


def _completion_submitted(plan, editor, siro, reviewer):
    reviews.decide(reviewer, plan, "agree", today=D(2023, 7, 10))
    _complete_rows(editor, Plan.get_by_id(plan.id), D(2023, 7, 14))
    reviews.submit_completion(editor, Plan.get_by_id(plan.id), today=D(2023, 7, 14))


def _completed(plan, editor, siro, reviewer):
    _completion_submitted(plan, editor, siro, reviewer)
    reviews.decide(reviewer, Plan.get_by_id(plan.id), "confirm_completion", today=D(2023, 7, 17))


STORIES = [
    ("R9A", _submitted),  # London trust: in the RSL's queue
    ("R9G", _changes_requested),  # London trust: back with the organisation, call with the RSL
    ("R9J", _resubmitted),  # North West trust: resubmitted, the review shows the diff
    ("R9B", _agreed_with_update),  # East of England FT: agreed, one progress update to acknowledge
    ("R9F", _agreed_no_update),  # North East and Yorkshire trust: no update (overdue from 1 October)
    ("Q9H", _accepted_by_exception),  # South East ICB: agreed by exception
    ("0DX", _completion_submitted),  # Midlands CSU: completed plan waiting for confirmation
    ("Q9C", _completed),  # South West ICB: Standards Met
    ("X27", _submitted),  # Local Authority: national queue only
    ("T9E", _submitted),  # Arm's Length Body: national queue only
]
