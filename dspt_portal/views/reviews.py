"""Reviewer pages: the queue, a plan's review and decision, the dashboard and the overdue export."""

import csv
import io

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from .. import reviews, roles
from ..clock import today
from ..domain import workflow
from ..exports.safety import neutralise
from ..forms.reviews import AssignForm, CommentForm, DecisionForm, QueueFilterForm
from ..models import Region, ToolkitYear, User
from ..queries import get_plan_or_404, visible_plans
from ..security import roles_required

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
reviewer = roles_required(*roles.REVIEWER_ROLES)


def _filter_form() -> tuple[QueueFilterForm, reviews.QueueFilters]:
    form = QueueFilterForm(request.args)
    form.region.choices += [SelectChoice(str(r.id), r.name) for r in Region.select().order_by(Region.name)]
    form.year.choices += [
        SelectChoice(y.label, y.label) for y in ToolkitYear.select().order_by(ToolkitYear.label.desc())
    ]
    region = form.region.data
    filters = reviews.QueueFilters(
        tab=form.tab_value(),
        org_type=form.org_type.data or "",
        region=int(region) if region and region.isdigit() else None,
        year=form.year.data or "",
        overdue=bool(form.overdue.data),
        mine=bool(form.mine.data),
        sort=form.sort.data or "waiting",
    )
    return form, filters


@bp.route("")
@reviewer
def queue():
    form, filters = _filter_form()
    result = reviews.queue(current_user, filters, request.args.get("page", 1, type=int), today=today())
    args = {k: v for k, v in request.args.items() if k != "page"}
    context = dict(form=form, filters=filters, result=result, tabs=reviews.TABS, args=args)
    fragment = request.htmx and not request.htmx.history_restore_request
    response = make_response(
        render_template("reviews/_queue_results.html" if fragment else "reviews/queue.html", **context)
    )
    response.headers["Vary"] = "HX-Request"
    return response


def _review_context(plan, decision_form=None, comment_form=None, assign_form=None) -> dict:
    """The review page's data plus its three forms (kept as posted when re-rendered with errors)."""
    data = reviews.review_data(current_user, plan, today())
    decision_form = decision_form or DecisionForm()
    decision_form.action.choices = [SelectChoice(str(a), reviews.ACTION_LABELS[a]) for a in data["actions"]]
    comment_form = comment_form or CommentForm()
    rows = data["submission"].snapshot["rows"] if data["submission"] else []
    comment_form.ref.choices = [SelectChoice(r["ref"], f"{r['ref']}: {r['text'][:80]}") for r in rows]
    assign_form = assign_form or AssignForm(assignee=str(plan.assigned_to_id or ""))
    assign_form.assignee.choices = [SelectChoice("", "Nobody")] + [
        SelectChoice(str(u.id), u.full_name + (" (you)" if u.id == current_user.id else ""))
        for u in data["colleagues"]
    ]
    return dict(
        data,
        decision_form=decision_form,
        comment_form=comment_form,
        assign_form=assign_form,
        page_has_errors=bool(decision_form.errors or comment_form.errors or assign_form.errors),
    )


@bp.route("/plans/<int:plan_id>")
@reviewer
def review(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    return render_template("reviews/review.html", **_review_context(plan))


@bp.route("/plans/<int:plan_id>/decision", methods=["POST"])
@reviewer
def decide(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            reviews.decide(
                current_user,
                plan,
                form.action.data or "",
                reason=form.reason.data,
                accepted_by=form.accepted_by.data,
                call_with_rsl=form.call_with_rsl.data,
                today=today(),
            )
        except workflow.TransitionRefused as exc:
            _place_error(form, exc.message)
        else:
            flash(
                f"{reviews.DONE_LABELS[workflow.Action(form.action.data)]}. "
                "The organisation will be told by e-mail.",
                "success",
            )
            return redirect(url_for("reviews.review", plan_id=plan.id))
    return render_template("reviews/review.html", **_review_context(plan, decision_form=form)), 422


def _place_error(form: DecisionForm, message: str) -> None:
    """Put the workflow's message on the field it is about, else on the decision itself."""
    if message.startswith("Give a reason"):
        form.reason.errors = [*form.reason.errors, message]
    elif message.startswith("Enter the name"):
        form.accepted_by.errors = [*form.accepted_by.errors, message]
    else:
        form.action.errors = [*form.action.errors, message]


@bp.route("/plans/<int:plan_id>/assign", methods=["POST"])
@reviewer
def assign(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    form = AssignForm()
    if form.validate_on_submit():
        chosen = form.assignee.data or ""
        assignee = User.get_or_none(User.id == int(chosen)) if chosen.isdigit() else None
        try:
            if chosen and assignee is None:
                raise reviews.ReviewRefused("Choose a reviewer who can see this plan")
            reviews.assign(current_user, plan, assignee)
        except reviews.ReviewRefused as exc:
            form.assignee.errors = [exc.message]
        else:
            flash(f"Assigned to {assignee.full_name}." if assignee else "Nobody is assigned now.", "success")
            return redirect(url_for("reviews.review", plan_id=plan.id))
    return render_template("reviews/review.html", **_review_context(plan, assign_form=form)), 422


@bp.route("/plans/<int:plan_id>/comments", methods=["POST"])
@reviewer
def comment(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    form = CommentForm()
    submission = reviews.latest_submission(plan)
    if form.validate_on_submit() and submission is not None:
        try:
            reviews.comment(current_user, submission, form.ref.data or "", form.body.data or "")
        except reviews.ReviewRefused as exc:
            getattr(form, exc.field or "body").errors = [exc.message]
        else:
            flash(f"Comment added to {form.ref.data}.", "success")
            return redirect(
                url_for("reviews.review", plan_id=plan.id, _anchor="row-" + form.ref.data.replace(".", "-"))
            )
    return render_template("reviews/review.html", **_review_context(plan, comment_form=form)), 422


@bp.route("/dashboard")
@reviewer
def dashboard():
    counts = reviews.dashboard_counts(current_user)
    charts = [
        (key, title, rows, max([n for _, n in rows], default=0))
        for key, title, rows in (
            ("state", "Plans by status", counts["state"]),
            ("region", "Plans by region", counts["region"]),
            ("org-type", "Plans by organisation type", counts["org_type"]),
        )
    ]
    overdue = reviews.overdue_list(current_user, today())
    return render_template(
        "reviews/dashboard.html", charts=charts, overdue=overdue, total=visible_plans(current_user).count()
    )


CSV_HEADER = [
    "Organisation",
    "ODS code",
    "Organisation type",
    "Region",
    "Toolkit year",
    "Agreed on",
    "Overdue since",
    "Escalated",
    "Operator of Essential Services",
    "Assigned to",
]


@bp.route("/overdue.csv")
@reviewer
def overdue_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for item in reviews.overdue_list(current_user, today()):
        plan, org = item.plan, item.plan.organisation
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    org.name,
                    org.ods_code,
                    org.org_type,
                    org.region.name if org.region_id else "",
                    plan.toolkit_year.label,
                    plan.agreed_on.isoformat(),
                    item.overdue_since.isoformat() if item.overdue_since else "",
                    "Yes" if item.escalated else "No",
                    "Yes" if item.oes else "No",
                    plan.assigned_to.full_name if plan.assigned_to_id else "",
                )
            ]
        )
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="overdue-progress-updates-{today().isoformat()}.csv"'
    )
    return response
