"""The organisation's plans: home, start a plan, the row-by-row editor, sign-off and submission."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from .. import notifications, roles
from .. import plans as plan_verbs
from ..clock import today
from ..domain import workflow
from ..domain.catalogue import parse_ref_list, ref_sort_key
from ..domain.dates import DateError, parse_user_date
from ..extensions import db
from ..forms.plans import ConfirmForm, RowDatesForm, RowForm, SignOffForm, StartPlanForm
from ..models import EvidenceItem, Plan, ToolkitYear
from ..queries import get_plan_or_404, get_plan_row_or_404, get_row_or_404, visible_plans
from ..security import roles_required
from . import editor

bp = Blueprint("plans", __name__, url_prefix="/plans")
org_user = roles_required(*roles.ORGANISATION_ROLES)


@bp.route("")
@org_user
def home():
    plans = {p.toolkit_year_id: p for p in visible_plans(current_user)}
    years = list(ToolkitYear.select().order_by(ToolkitYear.label.desc()))
    catalogued = {item.toolkit_year_id for item in EvidenceItem.select(EvidenceItem.toolkit_year).distinct()}
    return render_template(
        "plans/home.html", years=years, plans=plans, workflow=workflow, catalogued=catalogued
    )


def _catalogue(year: ToolkitYear, org_type: str) -> list[EvidenceItem]:
    items = EvidenceItem.select().where(EvidenceItem.toolkit_year == year.id)
    applicable = [i for i in items if not i.org_types or org_type in i.org_types.split(";")]
    return sorted(applicable, key=lambda i: ref_sort_key(i.ref))


def _choose_items(year, plan=None):
    """The item picker shared by starting a plan and adding items to one."""
    catalogue = _catalogue(year, current_user.organisation.org_type)
    in_plan = {r.evidence_item.ref for r in plan_verbs.load_rows(plan)} if plan else set()
    form = StartPlanForm()
    query = request.values.get("q", "").strip()[:100]
    chosen = [ref for ref in request.form.getlist("items") if ref not in in_plan]
    partial = set(request.form.getlist("partial"))
    problems = []
    if form.validate_on_submit():
        by_ref = {i.ref: i for i in catalogue}
        selection = parse_ref_list(form.refs.data or "", set(by_ref), year.label)
        problems = selection.messages()
        refs = list(dict.fromkeys(chosen + selection.refs))
        already = [r for r in refs if r in in_plan]
        if already:
            problems.append("These evidence items are already in the plan: " + ", ".join(already))
        if not refs and not problems:
            problems.append("Choose at least one evidence item, or paste a list of references")
        if not problems:
            return [(by_ref[r], r in partial) for r in refs if r in by_ref], None
    lowered = query.lower()
    shown = [
        i
        for i in catalogue
        if i.ref not in in_plan
        and (
            not query
            or i.ref.startswith(query)
            or lowered in i.text.lower()
            or lowered in i.standard_title.lower()
            or i.ref in chosen
        )
    ]
    context = dict(
        form=form,
        year=year,
        items=shown,
        chosen=set(chosen),
        partial=partial,
        query=query,
        problems=problems,
        plan=plan,
        total=len(catalogue),
    )
    if request.htmx and not request.htmx.history_restore_request and request.method == "GET":
        response = make_response(render_template("plans/_catalogue_items.html", **context))
    else:
        response = make_response(render_template("plans/start.html", **context), 422 if problems else 200)
    response.headers["Vary"] = "HX-Request"
    return None, response


@bp.route("/new/<year_label>", methods=["GET", "POST"])
@org_user
def start(year_label: str):
    year = ToolkitYear.get_or_none(ToolkitYear.label == year_label) or abort(404)
    existing = visible_plans(current_user).where(Plan.toolkit_year == year.id).first()
    if existing:
        return redirect(url_for("plans.edit", plan_id=existing.id))
    selection, response = _choose_items(year)
    if selection is None:
        return response
    plan = plan_verbs.start_plan(current_user, current_user.organisation, year, selection, today())
    flash(f"Plan started with {len(selection)} evidence items. Fill in each row below.", "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))


@bp.route("/<int:plan_id>/add-items", methods=["GET", "POST"])
@org_user
def add_items(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    if not workflow.editable_by_organisation(plan.state):
        abort(409)
    selection, response = _choose_items(plan.toolkit_year, plan)
    if selection is None:
        return response
    plan_verbs.add_rows(current_user, plan, selection)
    flash(f"Added {len(selection)} evidence items.", "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))


@bp.route("/<int:plan_id>")
@org_user
def edit(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    return editor.render_editor(plan)


@bp.route("/<int:plan_id>/status-panels")
@org_user
def status_panels(plan_id: int):
    """Readiness, sign-off and progress, out of band: fetched by the editor after autosave."""
    plan = get_plan_or_404(current_user, plan_id)
    if not request.htmx:  # opened as a page: the panels are on the editor
        return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_template("plans/_status_panels.html", **editor.status_context(plan))


@bp.route("/<int:plan_id>/rows/<int:row_id>", methods=["POST"])
@org_user
def save_row(plan_id: int, row_id: int):
    plan, row = get_plan_row_or_404(current_user, plan_id, row_id)
    form = RowForm()
    if not form.validate():  # only a missing version or CSRF gets here: a broken or forged request
        abort(400)
    return editor.save(plan, row, form)


@bp.route("/<int:plan_id>/rows/<int:row_id>/check", methods=["POST"])
@org_user
def check_row(plan_id: int, row_id: int):
    """Live validation while typing: the same domain rule as saving, nothing written."""
    plan, row = get_plan_row_or_404(current_user, plan_id, row_id, purpose="check")
    return editor.check(plan, row, RowDatesForm())


@bp.route("/<int:plan_id>/rows/<int:row_id>/remove", methods=["GET", "POST"])
@org_user
def remove_row(plan_id: int, row_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    row = get_row_or_404(plan, row_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            plan_verbs.remove_row(current_user, plan, row)
        except plan_verbs.NotEditable as exc:
            flash(str(exc), "warning")
        else:
            flash(f"Removed evidence item {row.evidence_item.ref} from the plan.", "success")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_template("plans/remove_row.html", plan=plan, row=row, form=form)


@bp.route("/<int:plan_id>/sign-off", methods=["GET", "POST"])
@roles_required(roles.ORG_SIGNATORY)
def sign_off(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    rows = plan_verbs.load_rows(plan)
    checked = plan_verbs.check_rows(plan, rows, today())
    row_problems = [p for p in plan_verbs.readiness(plan, checked, (True, True))]
    form = SignOffForm()
    if not workflow.editable_by_organisation(plan.state):
        flash("This plan has been submitted: it cannot be signed off again now.", "warning")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    if form.validate_on_submit() and not row_problems:
        try:
            meeting_date = parse_user_date(form.meeting_date.data, "Meeting date")
        except DateError as exc:
            form.meeting_date.errors.append(exc.message)
        else:
            if meeting_date > today():
                form.meeting_date.errors.append("Meeting date must be today or in the past")
            else:
                plan_verbs.record_sign_off(
                    current_user,
                    plan,
                    name=form.name.data,
                    role=form.role.data,
                    board=form.board.data,
                    meeting_date=meeting_date,
                    minute_reference=form.minute_reference.data,
                )
                flash("Sign-off recorded. The plan can now be submitted.", "success")
                return redirect(url_for("plans.edit", plan_id=plan.id))
    elif request.method == "GET":
        form.name.data = form.name.data or current_user.full_name
    status = 422 if form.errors else 200
    return render_template(
        "plans/sign_off.html", plan=plan, form=form, row_problems=row_problems, rows=rows
    ), status


@bp.route("/<int:plan_id>/submit", methods=["GET", "POST"])
@org_user
def submit(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with db.atomic():
                submission = plan_verbs.submit(current_user, plan, today())
                notifications.plan_submitted(plan, submission)
        except plan_verbs.NotReady as exc:
            flash(f"The plan cannot be submitted yet: {len(exc.problems)} thing(s) to fix.", "warning")
            return redirect(url_for("plans.edit", plan_id=plan.id))
        except workflow.TransitionRefused as exc:
            flash(exc.message, "warning")
            return redirect(url_for("plans.edit", plan_id=plan.id))
        flash(
            f"Plan submitted to NHS England (submission {submission.number}). "
            "It is read-only until a reviewer asks for changes.",
            "success",
        )
        return redirect(url_for("plans.edit", plan_id=plan.id))
    return render_template("plans/submit.html", plan=plan, form=form)
