"""The organisation's progress on an agreed plan: per-row progress, updates and the completed plan."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import plans as plan_verbs
from .. import reviews, roles
from ..clock import today
from ..domain.dates import DateError, format_date, parse_user_date
from ..forms.plans import ConfirmForm
from ..forms.reviews import ProgressRowForm
from ..queries import get_plan_or_404, get_row_or_404
from ..security import roles_required

bp = Blueprint("progress", __name__)
org_user = roles_required(*roles.ORGANISATION_ROLES)


def _stored_form(row) -> ProgressRowForm:
    return ProgressRowForm(
        formdata=None,
        prefix=f"row-{row.id}",
        status=row.progress_status or None,
        actual_completion_date=format_date(row.actual_completion_date) if row.actual_completion_date else "",
        note=row.progress_note,
    )


def _render(plan, posted: dict | None = None, status: int = 200):
    rows = plan_verbs.load_rows(plan)
    forms = {row.id: (posted or {}).get(row.id) or _stored_form(row) for row in rows}
    return render_template(
        "progress/plan.html",
        plan=plan,
        rows=rows,
        row_forms=forms,
        changes=reviews.date_changes(plan),
        standing=reviews.progress_standing_for(plan, today()) if plan.state == "agreed" else None,
        all_complete=bool(rows) and all(r.progress_status == "complete" for r in rows),
        all_recorded=bool(rows) and all(r.progress_status for r in rows),
        labels=reviews.PROGRESS_STATUSES,
        confirm=ConfirmForm(formdata=None),
        page_has_errors=any(f.errors for f in forms.values()),
    ), status


@bp.route("/plans/<int:plan_id>/progress")
@org_user
def plan_progress(plan_id: int):
    return _render(get_plan_or_404(current_user, plan_id))


def _date(field, label):
    try:
        return parse_user_date(field.data or "", label)
    except DateError as exc:
        field.errors = [*field.errors, exc.message]
        return None


@bp.route("/plans/<int:plan_id>/progress/rows/<int:row_id>", methods=["POST"])
@org_user
def save_row(plan_id: int, row_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    row = get_row_or_404(plan, row_id)
    form = ProgressRowForm(prefix=f"row-{row.id}")
    if form.validate_on_submit():
        actual = _date(form.actual_completion_date, "Actual completion date")
        revised = _date(form.revised_date, "Revised completion date")
        if not form.errors:
            try:
                reviews.save_progress(
                    current_user,
                    plan,
                    row,
                    form.status.data or "",
                    actual,
                    form.note.data,
                    revised,
                    form.revised_reason.data,
                    today=today(),
                )
            except reviews.ProgressRefused as exc:
                for name, message in exc.errors.items():
                    getattr(form, name).errors = [message]
            except reviews.ReviewRefused as exc:
                flash(exc.message, "warning")
                return redirect(url_for("progress.plan_progress", plan_id=plan.id))
            else:
                flash(f"Progress saved for {row.evidence_item.ref}.", "success")
                return redirect(
                    url_for(
                        "progress.plan_progress",
                        plan_id=plan.id,
                        _anchor="progress-" + row.evidence_item.ref.replace(".", "-"),
                    )
                )
    return _render(plan, {row.id: form}, 422)


@bp.route("/plans/<int:plan_id>/progress/submit", methods=["POST"])
@org_user
def submit_update(plan_id: int):
    return _submit(
        plan_id, reviews.submit_progress, "Progress update sent to NHS England (submission {number})."
    )


@bp.route("/plans/<int:plan_id>/progress/complete", methods=["POST"])
@org_user
def submit_completion(plan_id: int):
    return _submit(
        plan_id,
        reviews.submit_completion,
        "Completed plan sent to NHS England (submission {number}). "
        "Your status changes to Standards Met once they confirm it.",
    )


def _submit(plan_id: int, verb, done: str):
    plan = get_plan_or_404(current_user, plan_id)
    if ConfirmForm().validate_on_submit():
        try:
            submission = verb(current_user, plan, today=today())
        except reviews.TransitionRefused as exc:
            flash(exc.message, "warning")
        else:
            flash(done.format(number=submission.number), "success")
    return redirect(url_for("progress.plan_progress", plan_id=plan.id))
