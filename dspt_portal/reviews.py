"""Review verbs: decisions, assignment, comments, the queue, diffs and progress updates.

No request objects here: views pass the signed-in user and the portal's today.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from itertools import groupby

from peewee import JOIN, fn

from . import audit, notifications, roles
from . import plans as plan_verbs
from .domain import workflow
from .domain.dates import format_date
from .domain.deadlines import YearDates, days_waiting, progress_standing
from .domain.orgs import REGIONAL_TYPES, is_oes
from .domain.validation import MilestoneInput, RowInput, YearRules, plan_problems, validate_row
from .domain.workflow import Action, PlanState, TransitionRefused
from .extensions import db
from .models import (
    DateChange,
    Decision,
    Organisation,
    OrganisationStatus,
    Plan,
    PlanRow,
    Region,
    RowComment,
    Submission,
    ToolkitYear,
    User,
    stamp,
    utcnow,
)
from .queries import visible_plans

STATE_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "changes_requested": "Changes requested",
    "agreed": "Agreed",
    "completion_submitted": "Completion submitted",
    "completed": "Completed",
}
ACTION_LABELS = {
    Action.agree: "Agree the plan",
    Action.request_changes: "Request changes",
    Action.accept_by_exception: "Accept the plan by exception",
    Action.acknowledge_progress: "Acknowledge the progress update",
    Action.confirm_completion: "Confirm the plan is complete",
    Action.return_completion: "Return the completed plan",
}
DONE_LABELS = {
    Action.agree: "Agreed the plan",
    Action.request_changes: "Requested changes to the plan",
    Action.accept_by_exception: "Accepted the plan by exception",
    Action.acknowledge_progress: "Acknowledged the progress update",
    Action.confirm_completion: "Confirmed the plan is complete",
    Action.return_completion: "Returned the completed plan",
}
# Queue tabs: (key, label, states). "all" is every state a reviewer sees.
TABS = [
    ("to_review", "To review", {"submitted", "completion_submitted"}),
    ("changes_requested", "Changes requested", {"changes_requested"}),
    ("agreed", "Agreed", {"agreed"}),
    ("completed", "Completed", {"completed"}),
    ("all", "All", set(STATE_LABELS) - {"draft"}),
]
PAGE_SIZE = 25
PROGRESS_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete"}
COMMENT_MAX = 2000
NOTE_MAX = 2000


class ReviewRefused(TransitionRefused):
    """A refused review step; .message says why, .field names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _locked(plan: Plan) -> Plan:
    """The plan re-read inside the transaction (row-locked on PostgreSQL)."""
    query = Plan.select().where(Plan.id == plan.id)
    if plan_verbs._supports_for_update():
        query = query.for_update()
    return query.get()


def _require_visible(user, plan: Plan) -> None:
    if not visible_plans(user).where(Plan.id == plan.id).exists():
        raise ReviewRefused("You cannot review this plan")


def latest_submission(plan: Plan, kind: str | None = None) -> Submission | None:
    query = Submission.select().where(Submission.plan == plan.id)
    if kind:
        query = query.where(Submission.kind == kind)
    return query.order_by(Submission.number.desc()).first()


def pending_progress(plan: Plan) -> Submission | None:
    """The latest progress update nobody has acknowledged yet."""
    return (
        Submission.select()
        .where(
            (Submission.plan == plan.id)
            & (Submission.kind == "progress")
            & Submission.acknowledged_at.is_null()
        )
        .order_by(Submission.number.desc())
        .first()
    )


def review_actions(user, plan: Plan) -> list[Action]:
    """What this reviewer may do now: the workflow's actions, less those with nothing to act on."""
    actions = workflow.allowed_actions(plan.state, user.role)
    if Action.acknowledge_progress in actions and pending_progress(plan) is None:
        actions.remove(Action.acknowledge_progress)
    return actions


def _set_status(plan: Plan, state: str, today: dt.date) -> tuple[str | None, str]:
    """Amend the public status; the publication date never changes once set."""
    status = workflow.toolkit_status(state)
    current = OrganisationStatus.get_or_none(
        organisation=plan.organisation_id, toolkit_year=plan.toolkit_year_id
    )
    if current is None:
        OrganisationStatus.create(
            organisation=plan.organisation_id,
            toolkit_year=plan.toolkit_year_id,
            status=status,
            published_on=today,
        )
        return None, status
    if current.status != status:
        (
            OrganisationStatus.update(status=status, updated_at=utcnow())
            .where(OrganisationStatus.id == current.id)
            .execute()
        )
    return current.status, status


def decide(
    user,
    plan: Plan,
    action,
    *,
    reason: str = "",
    accepted_by: str = "",
    call_with_rsl: bool = False,
    today: dt.date,
) -> Decision:
    """Record a reviewer's decision: state, public status, audit and e-mails in one transaction."""
    reason, accepted_by = (reason or "").strip(), (accepted_by or "").strip()
    _require_visible(user, plan)
    with db.atomic():
        plan = _locked(plan)
        new_state = workflow.decide(plan.state, action, user.role, reason=reason, accepted_by=accepted_by)
        action = Action(action)
        if action not in DONE_LABELS:
            raise ReviewRefused("This is not a review decision")
        if action == Action.acknowledge_progress:
            pending = pending_progress(plan)
            if pending is None:
                raise ReviewRefused("There is no progress update waiting to be acknowledged")
            return _acknowledge(user, plan, pending, today)
        submission = latest_submission(plan)
        changes = {"state": str(new_state)}
        if action in (Action.agree, Action.accept_by_exception):
            changes["agreed_on"] = today
        if action == Action.accept_by_exception:
            changes["exception_accepted_by"] = accepted_by
        updated = (
            Plan.update(**changes, updated_at=utcnow())
            .where((Plan.id == plan.id) & (Plan.state == plan.state))
            .execute()
        )
        if not updated:
            raise ReviewRefused("Someone else changed this plan: reload the page and try again")
        decision = Decision.create(
            plan=plan,
            submission=submission,
            action=str(action),
            from_state=plan.state,
            to_state=str(new_state),
            reason=reason,
            accepted_by=accepted_by,
            call_with_rsl=bool(call_with_rsl and action == Action.request_changes),
            decided_by=user.id,
            decided_at=stamp(today),
        )
        old_status, new_status = _set_status(plan, new_state, today)
        summary = DONE_LABELS[action]
        if submission is not None:
            summary += f" (submission {submission.number})"
        if accepted_by:
            summary += f", accepted by {accepted_by}"
        if reason:
            summary += f": {reason}"
        if decision.call_with_rsl:
            summary += ". A call with the Regional Security Lead is to be arranged"
        audit.record(
            user,
            str(action),
            summary,
            plan=plan,
            before={"state": plan.state, "toolkit_status": old_status},
            after={"state": str(new_state), "toolkit_status": new_status},
        )
        plan.state = str(new_state)
        notifications.decision_made(plan, decision)
    return decision


def _acknowledge(user, plan: Plan, submission: Submission, today: dt.date) -> Decision:
    when = stamp(today)
    (
        Submission.update(acknowledged_by=user.id, acknowledged_at=when)
        .where(Submission.id == submission.id)
        .execute()
    )
    decision = Decision.create(
        plan=plan,
        submission=submission,
        action=str(Action.acknowledge_progress),
        from_state=plan.state,
        to_state=plan.state,
        decided_by=user.id,
        decided_at=when,
    )
    audit.record(
        user,
        "acknowledge_progress",
        f"Acknowledged the progress update (submission {submission.number})",
        plan=plan,
        after={"submission": submission.number},
    )
    notifications.decision_made(plan, decision)
    return decision


def acknowledge(user, submission: Submission, *, today: dt.date) -> Decision:
    """Acknowledge one progress update."""
    plan = Plan.get_by_id(submission.plan_id)
    _require_visible(user, plan)
    with db.atomic():
        plan = _locked(plan)
        workflow.decide(plan.state, Action.acknowledge_progress, user.role)
        submission = Submission.get_by_id(submission.id)
        if submission.kind != "progress":
            raise ReviewRefused("Only progress updates can be acknowledged")
        if submission.acknowledged_at is not None:
            raise ReviewRefused("This progress update has already been acknowledged")
        return _acknowledge(user, plan, submission, today)


def reviewers_for(plan: Plan) -> list[User]:
    """Reviewers who can see this plan: the national team, and its region's RSLs for regional types."""
    org = plan.organisation
    condition = User.role == roles.NATIONAL_REVIEWER
    if org.org_type in REGIONAL_TYPES and org.region_id:
        condition |= (User.role == roles.REGIONAL_REVIEWER) & (User.region == org.region_id)
    return list(User.select().where(condition & (User.active == True)).order_by(User.full_name))  # noqa: E712


def assign(user, plan: Plan, assignee: User | None) -> None:
    """Give the plan to a reviewer who can see it (or to nobody)."""
    _require_visible(user, plan)
    if assignee is not None and assignee.id not in {r.id for r in reviewers_for(plan)}:
        raise ReviewRefused("Choose a reviewer who can see this plan", field="assignee")
    with db.atomic():
        before = plan.assigned_to.full_name if plan.assigned_to_id else None
        Plan.update(assigned_to=assignee.id if assignee else None).where(Plan.id == plan.id).execute()
        plan.assigned_to = assignee
        after = assignee.full_name if assignee else None
        summary = f"Assigned the plan to {after}" if after else "Removed the plan's reviewer"
        audit.record(
            user, "assigned", summary, plan=plan, before={"assigned_to": before}, after={"assigned_to": after}
        )


def comment(user, submission: Submission, ref: str, body: str) -> RowComment:
    """A reviewer's comment on one evidence item of a submission."""
    plan = Plan.get_by_id(submission.plan_id)
    _require_visible(user, plan)
    body = (body or "").strip()
    if not body:
        raise ReviewRefused("Enter a comment", field="body")
    if len(body) > COMMENT_MAX:
        raise ReviewRefused(f"The comment must be {COMMENT_MAX:,} characters or fewer", field="body")
    if ref not in {r["ref"] for r in submission.snapshot["rows"]}:
        raise ReviewRefused("Choose an evidence item in this submission", field="ref")
    with db.atomic():
        note = RowComment.create(submission=submission, ref=ref, body=body, author=user.id)
        audit.record(
            user,
            "commented",
            f"Commented on {ref} (submission {submission.number}): {body}",
            plan=plan,
            after={"ref": ref, "body": body},
        )
    return note


# ---- Reading a snapshot --------------------------------------------------------------------


def group_rows(rows: list[dict]):
    """Snapshot rows grouped by (standard, title), then assertion, as the catalogue orders them."""
    by_standard = groupby(rows, key=lambda r: (r["standard"], r["standard_title"]))
    return [
        (
            standard,
            [(assertion, list(items)) for assertion, items in groupby(group, key=lambda r: r["assertion"])],
        )
        for standard, group in by_standard
    ]


def _uk(iso: str | None) -> str:
    return format_date(dt.date.fromisoformat(iso)) if iso else ""


def _row_input(row: dict) -> RowInput:
    return RowInput(
        current_position=row.get("current_position") or "",
        actions=row.get("actions") or "",
        milestones=[
            MilestoneInput(m.get("description") or "", m.get("date_text") or _uk(m.get("date")))
            for m in row.get("milestones") or []
        ],
        completion_date=row.get("completion_date_text") or _uk(row.get("completion_date")),
        owner=row.get("owner") or "",
        covid_impact=row.get("covid_impact") or "",
        covid_note=row.get("covid_note") or "",
        exceptional_circumstances=row.get("exceptional_circumstances") or "",
    )


def snapshot_problems(snapshot: dict, year: ToolkitYear, submitted_on: dt.date):
    """The automatic checks re-run on a submitted snapshot, as of the day it was submitted."""
    rules = YearRules(label=year.label, latest_completion_date=year.latest_completion_date)
    checked = [(r["ref"], validate_row(_row_input(r), rules, submitted_on)) for r in snapshot["rows"]]
    return plan_problems(checked)


def claims_exception(snapshot: dict) -> bool:
    return any((r.get("exceptional_circumstances") or "").strip() for r in snapshot["rows"])


# ---- Diff -----------------------------------------------------------------------------------

DIFF_FIELDS = [
    ("current_position", "Current position or gap"),
    ("actions", "Actions required"),
    ("milestones", "Milestones"),
    ("completion_date", "Target completion date"),
    ("owner", "Action owner"),
    ("covid_impact", "COVID impact"),
    ("covid_note", "How COVID affected this item"),
    ("exceptional_circumstances", "Exceptional circumstances"),
    ("partial", "Answered only partially"),
]
_TOKENS = re.compile(r"\s+|[^\s]+")


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if name == "milestones":
        return "\n".join(
            f"{m.get('date_text') or _uk(m.get('date'))} – {m.get('description', '')}" for m in value or []
        )
    if name == "completion_date":
        return row.get("completion_date_text") or _uk(value)
    if name == "partial":
        return "Yes" if value else "No"
    if name == "covid_impact":
        return {"yes": "Yes", "no": "No"}.get(value or "", "Not stated")
    return value or ""


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level segments: ("equal" | "insert" | "delete", text). Templates escape the text."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]]


@dataclass
class RowChange:
    ref: str
    fields: list[FieldChange]


@dataclass
class PlanDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.removed or self.changed)


def diff(previous: dict, current: dict) -> PlanDiff:
    """What changed between two snapshots: rows added and removed, and per-field changes."""
    old_rows = {r["ref"]: r for r in previous["rows"]}
    new_rows = {r["ref"]: r for r in current["rows"]}
    result = PlanDiff(
        added=[r for r in current["rows"] if r["ref"] not in old_rows],
        removed=[r for r in previous["rows"] if r["ref"] not in new_rows],
    )
    for row in current["rows"]:
        old = old_rows.get(row["ref"])
        if old is None:
            continue
        changes = []
        for name, label in DIFF_FIELDS:
            before, after = _text(old, name), _text(row, name)
            if before != after:
                changes.append(FieldChange(name, label, before, after, word_diff(before, after)))
        if changes:
            result.changed.append(RowChange(row["ref"], changes))
    return result


def reviewed_before(submission: Submission) -> Submission | None:
    """The last plan submission before this one that a reviewer decided on."""
    return (
        Submission.select()
        .join(Decision, on=(Decision.submission == Submission.id))
        .where(
            (Submission.plan == submission.plan_id)
            & (Submission.kind == "plan")
            & (Submission.number < submission.number)
        )
        .order_by(Submission.number.desc())
        .first()
    )


# ---- The queue ------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    tab: str = "to_review"
    org_type: str = ""
    region: int | None = None
    year: str = ""
    overdue: bool = False
    mine: bool = False
    sort: str = "waiting"  # waiting: longest first | recent: newest first


@dataclass
class QueueItem:
    plan: Plan | None  # attached (with organisation, region, year, assignee) only to the items shown
    submitted_at: dt.datetime | None
    days_waiting: int | None
    whose_turn: str | None
    oes: bool
    overdue: bool
    escalated: bool
    next_due: dt.date | None
    overdue_since: dt.date | None
    progress_to_acknowledge: bool
    exceptional: bool = False
    checks_failing: int = 0
    plan_id: int = 0
    state: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def toolkit_status(self) -> str:
        return workflow.toolkit_status(self.state)


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def year_dates(year: ToolkitYear) -> YearDates:
    return YearDates.from_csv_row(
        {
            "toolkit_year": year.label,
            "latest_completion_date": "",
            "publication_deadline": "",
            "update_due_dates": year.update_due_dates,
            "update_escalation_dates": year.escalation_dates,
        }
    )


def _filtered(user, filters: QueueFilters):
    query = (
        visible_plans(user)
        .select_extend(User)
        .join_from(Plan, User, JOIN.LEFT_OUTER, on=(Plan.assigned_to == User.id))
    )
    if filters.org_type:
        query = query.where(Organisation.org_type == filters.org_type)
    if filters.region:
        query = query.where(Organisation.region == filters.region)
    if filters.year:
        query = query.where(ToolkitYear.label == filters.year)
    if filters.mine:
        query = query.where(Plan.assigned_to == user.id)
    return query


def _items(rows, progress_of, today: dt.date) -> list[QueueItem]:
    """Queue items with their deadline flags from (id, state, submitted_at, agreed_on, year id, org type)."""
    rows = list(rows)
    progress: dict[int, list] = {}
    unacknowledged: set[int] = set()
    if rows:
        for plan_id, submitted_at, acknowledged_at in (
            Submission.select(Submission.plan, Submission.submitted_at, Submission.acknowledged_at)
            .where((Submission.kind == "progress") & Submission.plan.in_(progress_of))
            .tuples()
        ):
            progress.setdefault(plan_id, []).append(submitted_at)
            if acknowledged_at is None:
                unacknowledged.add(plan_id)
    dates_by_year = {year.id: year_dates(year) for year in ToolkitYear.select()} if rows else {}
    items = []
    for plan_id, state, submitted_at, agreed_on, year_id, org_type in rows:
        standing = None
        if state == "agreed" and agreed_on:
            standing = progress_standing(dates_by_year[year_id], agreed_on, progress.get(plan_id, []), today)
        items.append(
            QueueItem(
                plan=None,
                plan_id=plan_id,
                state=state,
                submitted_at=submitted_at,
                days_waiting=days_waiting(submitted_at, today) if submitted_at else None,
                whose_turn=workflow.whose_turn(state),
                oes=is_oes(org_type),
                overdue=bool(standing and standing.overdue),
                escalated=bool(standing and standing.escalated),
                next_due=standing.next_due if standing else None,
                overdue_since=standing.overdue_since if standing else None,
                progress_to_acknowledge=state == "agreed" and plan_id in unacknowledged,
            )
        )
    return items


def _standing_items(user, filters: QueueFilters, today: dt.date) -> list[QueueItem]:
    """Plans matching the filters (not the tab) that are overdue: plain columns, a fixed number of queries.

    Only agreed plans can be overdue, so only they are read; _attach_plans() loads the full rows
    for the items shown (building a joined model instance per plan costs ~60 us).
    """
    query = _filtered(user, filters).where(Plan.state == "agreed")
    columns = (
        Plan.id,
        Plan.state,
        Plan.submitted_at,
        Plan.agreed_on,
        Plan.toolkit_year,
        Organisation.org_type,
    )
    items = _items(query.select(*columns).tuples(), query.select(Plan.id), today)
    return [i for i in items if i.overdue]


def _attach_plans(user, items: list[QueueItem]) -> None:
    """Load the listed plans with their organisation, region, year and assignee (one query per 500)."""
    for batch in (items[i : i + 500] for i in range(0, len(items), 500)):
        query = _filtered(user, QueueFilters()).where(Plan.id.in_([i.plan_id for i in batch]))
        by_id = {plan.id: plan for plan in query}
        for item in batch:
            item.plan = by_id[item.plan_id]


def _add_snapshot_flags(items: list[QueueItem]) -> None:
    """Exceptional-circumstance and automatic-check flags from each plan's latest plan submission."""
    if not items:
        return
    ids = [i.plan.id for i in items]
    latest = (
        Submission.select(Submission.plan, fn.MAX(Submission.number).alias("number"))
        .where((Submission.kind == "plan") & Submission.plan.in_(ids))
        .group_by(Submission.plan)
    )
    rows = Submission.select(Submission.plan, Submission.snapshot, Submission.submitted_at).join(
        latest, on=((Submission.plan == latest.c.plan_id) & (Submission.number == latest.c.number))
    )
    by_plan = {s.plan_id: s for s in rows}
    for item in items:
        submission = by_plan.get(item.plan.id)
        if submission is None:
            continue
        item.exceptional = claims_exception(submission.snapshot)
        item.checks_failing = len(
            snapshot_problems(submission.snapshot, item.plan.toolkit_year, submission.submitted_at.date())
        )


def queue(
    user, filters: QueueFilters, page: int = 1, *, today: dt.date, page_size: int | None = None
) -> QueuePage:
    """The review queue: tab counts and the tab's list come from the same filtered plans.

    Counting, sorting and paging happen in SQL, so a request reads one page of plans whatever the
    queue's size; with "overdue only" (a Python rule on agreed plans) every agreed plan is checked.
    """
    states = {key: states for key, _, states in TABS}
    tab_states = states.get(filters.tab, states["all"])
    page_size = page_size or PAGE_SIZE
    if filters.overdue:
        overdue = _standing_items(user, filters, today)
        by_state = {"agreed": len(overdue)} if overdue else {}
    else:
        grouped = _filtered(user, filters).select(Plan.state, fn.COUNT(Plan.id)).group_by(Plan.state)
        by_state = dict(grouped.tuples())
    counts = {
        key: sum(n for state, n in by_state.items() if state in chosen) for key, chosen in states.items()
    }
    total = sum(n for state, n in by_state.items() if state in tab_states)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    recent = filters.sort == "recent"  # newest first; otherwise waiting longest first
    if filters.overdue:
        chosen = [i for i in overdue if i.state in tab_states]
        if recent:
            chosen.sort(key=lambda i: (i.submitted_at or dt.datetime.min, i.plan_id), reverse=True)
        else:
            chosen.sort(key=lambda i: (i.submitted_at or dt.datetime.max, i.plan_id))
        shown = chosen[(page - 1) * page_size : page * page_size]
        _attach_plans(user, shown)
    else:
        # The same order in SQL; plans never submitted come last either way.
        order = (
            (Plan.submitted_at.is_null(), Plan.submitted_at.desc(), Plan.id.desc())
            if recent
            else (Plan.submitted_at.is_null(), Plan.submitted_at, Plan.id)
        )
        query = _filtered(user, filters).where(Plan.state.in_(tab_states)).order_by(*order)
        plans = list(query.paginate(page, page_size))
        shown = _items(
            [
                (p.id, p.state, p.submitted_at, p.agreed_on, p.toolkit_year_id, p.organisation.org_type)
                for p in plans
            ],
            [p.id for p in plans],
            today,
        )
        for item, plan in zip(shown, plans, strict=True):
            item.plan = plan
    _add_snapshot_flags(shown)
    return QueuePage(items=shown, total=total, page=page, pages=pages, counts=counts)


def overdue_list(user, today: dt.date) -> list[QueueItem]:
    """Agreed plans whose progress update is late, longest overdue first."""
    items = _standing_items(user, QueueFilters(tab="agreed", overdue=True), today)
    _attach_plans(user, items)
    return sorted(items, key=lambda i: (i.plan.agreed_on, i.plan.id))


def dashboard_counts(user) -> dict[str, list[tuple[str, int]]]:
    """Counts of visible plans by state, region and organisation type (three grouped queries)."""
    base = visible_plans(user)

    def grouped(column, label):
        query = base.select(label, fn.COUNT(Plan.id)).group_by(label).order_by(label)
        return [(name or "No region", n) for name, n in query.tuples()]

    by_state = dict(grouped(Plan.state, Plan.state))
    return {
        "state": [(STATE_LABELS[s], by_state[s]) for s in STATE_LABELS if by_state.get(s)],
        "region": grouped(Region.name, Region.name),
        "org_type": grouped(Organisation.org_type, Organisation.org_type),
    }


# ---- Progress updates (organisation side) ---------------------------------------------------


@dataclass
class ProgressInput:
    status: str = ""
    actual_completion_date: dt.date | None = None
    note: str = ""
    revised_date: dt.date | None = None
    revised_reason: str = ""


def check_progress(values: ProgressInput, today: dt.date) -> dict[str, str]:
    """Messages per field for a row's progress; empty when it can be saved."""
    errors = {}
    if values.status not in PROGRESS_STATUSES:
        errors["status"] = "Select the progress of this action"
    if values.status == "complete" and values.actual_completion_date is None:
        errors["actual_completion_date"] = "Enter the date the action was completed"
    elif values.actual_completion_date and values.actual_completion_date > today:
        errors["actual_completion_date"] = "The actual completion date must be today or in the past"
    elif values.actual_completion_date and values.status != "complete":
        errors["actual_completion_date"] = "Only enter an actual completion date when the action is complete"
    if len(values.note or "") > NOTE_MAX:
        errors["note"] = f"The progress note must be {NOTE_MAX:,} characters or fewer"
    if values.revised_date and not (values.revised_reason or "").strip():
        errors["revised_reason"] = "Give a reason for changing the completion date"
    elif values.revised_date and values.revised_date < today:
        errors["revised_date"] = "The revised completion date must be today or in the future"
    elif (values.revised_reason or "").strip() and not values.revised_date:
        errors["revised_date"] = "Enter the revised completion date"
    return errors


class ProgressRefused(ReviewRefused):
    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def _require_organisation(user, plan: Plan) -> None:
    if user.role not in roles.ORGANISATION_ROLES or plan.organisation_id != user.organisation_id:
        raise ReviewRefused("Only the organisation's editors and signatories can update progress")


def save_progress(
    user,
    plan: Plan,
    row: PlanRow,
    status: str,
    actual_completion_date: dt.date | None,
    note: str,
    revised_date: dt.date | None = None,
    revised_reason: str = "",
    *,
    today: dt.date,
) -> PlanRow:
    """Record one row's progress; a revised completion date is kept in DateChange with its reason."""
    _require_organisation(user, plan)
    values = ProgressInput(
        status, actual_completion_date, (note or "").strip(), revised_date, (revised_reason or "").strip()
    )
    with db.atomic():
        plan = _locked(plan)
        if plan.state != PlanState.agreed:
            raise ReviewRefused("You can only record progress once the plan has been agreed")
        errors = check_progress(values, today)
        if errors:
            raise ProgressRefused(errors)
        row = PlanRow.select(PlanRow).where((PlanRow.id == row.id) & (PlanRow.plan == plan.id)).get()
        before = {
            "progress_status": row.progress_status,
            "actual_completion_date": _iso(row.actual_completion_date),
            "progress_note": row.progress_note,
            "completion_date": _iso(row.completion_date),
        }
        changes = dict(
            progress_status=values.status,
            actual_completion_date=values.actual_completion_date,
            progress_note=values.note,
        )
        lines = []
        if values.revised_date and values.revised_date != row.completion_date:
            DateChange.create(
                row=row.id,
                old_date=row.completion_date,
                new_date=values.revised_date,
                reason=values.revised_reason,
                changed_by=user.id,
                changed_at=stamp(today),
            )
            changes.update(
                completion_date=values.revised_date, completion_date_text=format_date(values.revised_date)
            )
            lines.append(
                f"changed the completion date from {_uk(before['completion_date']) or 'blank'} to "
                f"{format_date(values.revised_date)} ({values.revised_reason})"
            )
        PlanRow.update(**changes, version=PlanRow.version + 1, updated_at=utcnow(), updated_by=user.id).where(
            PlanRow.id == row.id
        ).execute()
        plan_verbs._bump(plan)
        ref = row.evidence_item.ref
        label = PROGRESS_STATUSES[values.status].lower()
        if values.actual_completion_date:
            label += f" on {format_date(values.actual_completion_date)}"
        summary = f"Recorded progress for {ref}: {label}" + ("; " + "; ".join(lines) if lines else "")
        after = {
            **before,
            "progress_status": values.status,
            "progress_note": values.note,
            "actual_completion_date": _iso(values.actual_completion_date),
            "completion_date": _iso(changes.get("completion_date", row.completion_date)),
        }
        audit.record(user, "progress_recorded", summary, plan=plan, before=before, after=after)
    return PlanRow.get_by_id(row.id)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _submit_snapshot(user, plan: Plan, kind: str, action: Action, today: dt.date) -> Submission:
    new_state = workflow.decide(plan.state, action, user.role)
    rows = plan_verbs.load_rows(plan)
    if kind == "progress" and any(not r.progress_status for r in rows):
        raise ReviewRefused("Record the progress of every action before sending the update")
    if kind == "completion" and any(r.progress_status != "complete" for r in rows):
        raise ReviewRefused("Mark every action as complete before submitting the completed plan")
    data = plan_verbs.snapshot(plan, rows)
    data["plan"]["state"] = str(new_state)
    data["plan"]["toolkit_status"] = workflow.toolkit_status(new_state)
    when = stamp(today)
    number = plan.submissions.count() + 1
    submission = Submission.create(
        plan=plan,
        kind=kind,
        number=number,
        plan_version=plan.version,
        snapshot=data,
        content_hash=data["plan"]["content_hash"],
        submitted_by=user.id,
        submitted_at=when,
    )
    Plan.update(state=str(new_state), submitted_at=when).where(Plan.id == plan.id).execute()
    what = "a progress update" if kind == "progress" else "the completed plan"
    audit.record(
        user,
        f"submitted_{kind}",
        f"Submitted {what} to NHS England (submission {number})",
        plan=plan,
        before={"state": plan.state},
        after={"state": str(new_state)},
    )
    plan.state, plan.submitted_at = str(new_state), when
    notifications.plan_submitted(plan, submission)
    return submission


def submit_progress(user, plan: Plan, *, today: dt.date) -> Submission:
    """Send NHS England a snapshot of progress on an agreed plan."""
    _require_organisation(user, plan)
    with db.atomic():
        return _submit_snapshot(user, _locked(plan), "progress", Action.submit_progress, today)


def submit_completion(user, plan: Plan, *, today: dt.date) -> Submission:
    """Send the completed plan for confirmation; only when every action is complete."""
    _require_organisation(user, plan)
    with db.atomic():
        return _submit_snapshot(user, _locked(plan), "completion", Action.submit_completion, today)


def confirm_completion(user, plan: Plan, *, today: dt.date) -> Decision:
    return decide(user, plan, Action.confirm_completion, today=today)


def progress_standing_for(plan: Plan, today: dt.date):
    """Where an agreed plan stands on its progress updates."""
    if not plan.agreed_on:
        return None
    updates = [s.submitted_at for s in plan.submissions.where(Submission.kind == "progress")]
    return progress_standing(year_dates(plan.toolkit_year), plan.agreed_on, updates, today)


def date_changes(plan: Plan) -> dict[int, list[DateChange]]:
    changes: dict[int, list[DateChange]] = {}
    query = (
        DateChange.select(DateChange)
        .join(PlanRow)
        .where(PlanRow.plan == plan.id)
        .order_by(DateChange.changed_at, DateChange.id)
    )
    for change in query:
        changes.setdefault(change.row_id, []).append(change)
    return changes


def review_data(user, plan: Plan, today: dt.date) -> dict:
    """Everything the review page shows: latest submission, checks, diff, comments and history."""
    submission = latest_submission(plan)
    plan_submission = latest_submission(plan, "plan")
    previous = reviewed_before(plan_submission) if plan_submission else None
    return dict(
        plan=plan,
        submission=submission,
        groups=group_rows(submission.snapshot["rows"]) if submission else [],
        problems=snapshot_problems(
            plan_submission.snapshot, plan.toolkit_year, plan_submission.submitted_at.date()
        )
        if plan_submission
        else [],
        previous=previous,
        changes=diff(previous.snapshot, plan_submission.snapshot) if previous else None,
        comments=comments_by_ref(submission),
        actions=review_actions(user, plan),
        state_label=STATE_LABELS[plan.state],
        toolkit_status=workflow.toolkit_status(plan.state),
        decisions=list(plan.decisions.order_by(Decision.decided_at.desc(), Decision.id.desc())),
        standing=progress_standing_for(plan, today) if plan.state == "agreed" else None,
        pending=pending_progress(plan),
        oes=is_oes(plan.organisation.org_type),
        submissions=list(plan.submissions.order_by(Submission.number.desc())),
        colleagues=reviewers_for(plan),
        progress_labels=PROGRESS_STATUSES,
    )


def comments_by_ref(submission: Submission | None) -> dict[str, list[RowComment]]:
    if submission is None:
        return {}
    found: dict[str, list[RowComment]] = {}
    for note in (
        RowComment.select(RowComment, User)
        .join(User)
        .where(RowComment.submission == submission.id)
        .order_by(RowComment.created_at)
    ):
        found.setdefault(note.ref, []).append(note)
    return found
