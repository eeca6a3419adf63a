"""Rendering and saving the plan editor's rows; shared by the page, autosave and live validation."""

from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import plans as plan_verbs
from .. import roles
from ..clock import today
from ..domain import workflow
from ..domain.catalogue import missing_mandatory
from ..domain.validation import ROW_FIELDS, MilestoneInput, RowCheck, validate_row
from ..models import Decision, EvidenceItem, Plan, PlanRow, Submission


@dataclass
class RowView:
    """What the row template needs: the row, the values to show, and its messages."""

    row: PlanRow
    values: dict
    milestones: list[MilestoneInput]
    check: RowCheck
    version: int
    show_errors: bool
    conflict: dict | None = None
    notice: str = ""
    ids: dict = field(default_factory=dict)

    # Cached: the row template asks for them about 25 times per row.
    @cached_property
    def ref(self) -> str:
        return self.row.evidence_item.ref

    @cached_property
    def key(self) -> str:
        return "row-" + self.ref.replace(".", "-")

    def errors(self) -> dict:
        return self.check.errors if self.show_errors else {}

    def message(self, name: str, oob: bool = False) -> Markup:
        """The message slot beside one field (an error, a warning or nothing), which autosave and
        live validation swap out of band. Python rather than a Jinja macro: a 200-row editor page
        has some 3,000 of these and every autosave sends a dozen. Every value is escaped."""
        error = self.errors().get(name)
        warning = self.check.warnings.get(name) if self.show_errors else None
        parts = [_SLOT, f"{self.key}-{name}-message", _SLOT_CLASS, _OOB if oob else "", _GT]
        if error:
            parts += [_ERROR, error, _END_SPAN]
        if warning:
            parts += [_WARNING, warning, _END_WARNING]
        parts.append(_END_DIV)
        return Markup("").join(parts)  # join escapes every part that is not Markup


_SLOT, _SLOT_CLASS, _OOB, _GT = (
    Markup('<div id="'),
    Markup('" class="app-field-message"'),
    Markup(' hx-swap-oob="true"'),
    Markup(">"),
)
_ERROR = Markup('<span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> ')
_WARNING = Markup(
    '<div class="nhsuk-inset-text app-field-warning"><span class="nhsuk-u-visually-hidden">Warning: </span><p>'
)
_END_SPAN, _END_WARNING, _END_DIV = Markup("</span>"), Markup("</p></div>"), Markup("</div>")


def row_view(
    row: PlanRow,
    check: RowCheck,
    *,
    values=None,
    milestones=None,
    version=None,
    show_errors=None,
    conflict=None,
    notice="",
) -> RowView:
    # Live validation and saves pass what was typed: only read the stored row (its milestones are
    # another query) when something is missing.
    stored = plan_verbs.row_input(row) if values is None or milestones is None else None
    if values is None:
        values = {name: getattr(stored, name) for name in ROW_FIELDS if name != "milestones"}
        values["partial"] = row.partial
    milestones = list(stored.milestones if milestones is None else milestones)
    if not milestones:
        milestones = [MilestoneInput()]  # always offer one milestone to fill in
    return RowView(
        row=row,
        values=values,
        milestones=milestones,
        check=check,
        version=row.version if version is None else version,
        # A row nobody has saved yet would be all errors: show them once someone has worked on it.
        show_errors=row.version > 1 if show_errors is None else show_errors,
        conflict=conflict,
        notice=notice,
    )


def _grouped(views: list[RowView]):
    """Rows grouped by standard, then assertion, in catalogue order."""
    by_standard = groupby(
        views, key=lambda v: (v.row.evidence_item.standard, v.row.evidence_item.standard_title)
    )
    return [
        (
            standard,
            [
                (assertion, list(items))
                for assertion, items in groupby(rows, key=lambda v: v.row.evidence_item.assertion)
            ],
        )
        for standard, rows in by_standard
    ]


def _editor_context(plan: Plan, overrides: dict[int, RowView] | None = None) -> dict:
    context = status_context(plan)
    rows = context["rows"]
    views = [(overrides or {}).get(row.id) or row_view(row, check) for row, check in context["checked"]]
    mandatory_items = EvidenceItem.select(EvidenceItem.ref).where(
        (EvidenceItem.toolkit_year == plan.toolkit_year_id) & (EvidenceItem.mandatory == True)  # noqa: E712
    )
    mandatory = {item.ref for item in mandatory_items}
    submissions = list(plan.submissions.order_by(Submission.number.desc()))
    return {
        **context,
        "groups": _grouped(views),
        "toolkit_status": workflow.toolkit_status(plan.state),
        "whose_turn": workflow.whose_turn(plan.state),
        "missing_mandatory": missing_mandatory({r.evidence_item.ref for r in rows}, mandatory),
        "submissions": submissions,
        "decisions": list(plan.decisions.order_by(Decision.decided_at.desc())),
        "limit": plan.toolkit_year.latest_completion_date,
    }


def render_editor(plan: Plan, overrides=None, status=200):
    return render_template("plans/edit.html", **_editor_context(plan, overrides)), status


def _edit_from_form(form) -> tuple[plan_verbs.RowEdit, str]:
    values = form.to_input()
    action = request.form.get("action", "save")
    if action == "add_milestone":
        values.milestones.append(MilestoneInput())
    elif action.startswith("remove_milestone-"):
        index = action.removeprefix("remove_milestone-")
        if index.isdigit() and int(index) < len(values.milestones):
            del values.milestones[int(index)]
    return plan_verbs.RowEdit(
        values=values, partial=bool(form.partial.data), version=form.version.data
    ), action


def _values(edit: plan_verbs.RowEdit) -> dict:
    values = {name: getattr(edit.values, name) for name in ROW_FIELDS if name != "milestones"}
    values["partial"] = edit.partial
    return values


def save(plan: Plan, row: PlanRow, form):
    """Autosave (htmx, messages only), an explicit save (htmx row swap) or a plain form post."""
    edit, action = _edit_from_form(form)
    autosave = request.htmx and request.form.get("autosave") == "1"
    try:
        check = plan_verbs.save_row(current_user, plan, row, edit, today())
    except plan_verbs.StaleEdit as stale:
        theirs = stale.row
        theirs.evidence_item = row.evidence_item
        conflict = {**plan_verbs.row_dict(theirs), "updated_at": theirs.updated_at}
        view = row_view(
            row,
            validate_row(edit.values, plan_verbs.year_rules(plan.toolkit_year), today()),
            values=_values(edit),
            milestones=edit.values.milestones,
            version=theirs.version,
            show_errors=True,
            conflict=conflict,
        )
        return _row_response(plan, view, status=409)
    except plan_verbs.NotEditable as exc:
        view = row_view(
            row,
            RowCheck(),
            values=_values(edit),
            milestones=edit.values.milestones,
            show_errors=False,
            notice=str(exc),
        )
        return _row_response(plan, view, status=409)
    view = row_view(row, check, values=_values(edit), milestones=edit.values.milestones, show_errors=True)
    if not request.htmx:
        anchor = view.key
        return redirect(url_for("plans.edit", plan_id=plan.id, _anchor=anchor))
    if autosave:
        return _autosave_response(view, changed=row.version != edit.version)
    return _row_response(plan, view)


def _autosave_response(view: RowView, changed: bool):
    """Only this row's messages, status and version. The plan-wide panels (readiness, sign-off,
    progress) fetch themselves once typing pauses (the "plan-changed" event, see edit.html):
    re-checking every row of a 200-row plan on each keystroke's save was most of its cost."""
    fields = list(ROW_FIELDS) + [
        f"milestones-{i}-{part}" for i in range(len(view.milestones)) for part in ("description", "date")
    ]
    response = make_response(
        render_template("plans/_row_messages.html", view=view, fields=fields, with_status=True)
    )
    if changed:
        response.headers["HX-Trigger"] = "plan-changed"
    response.headers["Vary"] = "HX-Request"
    return response


def status_context(plan: Plan) -> dict:
    """What the plan-wide panels show: readiness to submit, sign-off and rows complete."""
    rows = plan_verbs.load_rows(plan)
    checked = plan_verbs.check_rows(plan, rows, today())
    sign_off = plan_verbs.sign_off_state(plan, rows)
    return {
        "plan": plan,
        "rows": rows,
        "checked": checked,
        "row_count": len(rows),
        "complete_count": sum(1 for _, c in checked if c.complete),
        "problems": plan_verbs.readiness(plan, checked, sign_off),
        "sign_off": sign_off,
        "editable": workflow.editable_by_organisation(plan.state),
        "is_signatory": current_user.role == roles.ORG_SIGNATORY,
    }


def check(plan: Plan, row: PlanRow, form):
    """Live validation of the date fields as they are typed; nothing is saved. Only the date
    messages are sent back, so only what the date rules read is parsed (see RowDatesForm)."""
    typed = form.to_input()
    result = validate_row(typed, plan_verbs.year_rules(plan.toolkit_year), today())
    view = row_view(row, result, values={}, milestones=typed.milestones, show_errors=True)
    fields = ["completion_date"] + [f"milestones-{i}-date" for i in range(len(typed.milestones))]
    return render_template("plans/_row_messages.html", view=view, fields=fields, with_status=False)


def _row_response(plan: Plan, view: RowView, status=200):
    """The whole row, swapped in place, with the plan-wide panels out of band."""
    body = render_template("plans/_row_saved.html", view=view, **status_context(plan))
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response
