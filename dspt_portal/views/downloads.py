"""Downloads (signed PDF, XLSX, CSV), PDF verification and spreadsheet import."""

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from .. import documents, ratelimit
from .. import plans as plan_verbs
from ..domain import workflow
from ..forms.documents import VerifyForm
from ..models import Submission
from ..queries import get_plan_or_404
from ..security import signed_in

bp = Blueprint("downloads", __name__)
MAX_PDF_BYTES = 20 * 1024 * 1024


def _attachment(data: bytes, name: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pdf(data: bytes, name: str, rendered: bool) -> Response:
    response = _attachment(data, name, "application/pdf")
    if rendered:
        ratelimit.pdf_rendered()
        # Give the render's memory back after sending, not while the person waits.
        response.call_on_close(documents.release_memory)
    return response


@bp.route("/plans/<int:plan_id>/plan.pdf")
@signed_in
@ratelimit.limit_pdf_renders
def plan_pdf(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    latest = plan.submissions.order_by(Submission.number.desc()).first()
    if latest is not None and not workflow.editable_by_organisation(plan.state):
        return _submission_pdf(plan, latest.number)
    snapshot = plan_verbs.snapshot(plan)
    data = documents.render_signed_pdf(snapshot, draft=True)
    return _pdf(data, documents.filename(snapshot, "pdf"), rendered=True)


@bp.route("/plans/<int:plan_id>/submissions/<int:number>.pdf")
@signed_in
@ratelimit.limit_pdf_renders
def submission_pdf(plan_id: int, number: int):
    return _submission_pdf(get_plan_or_404(current_user, plan_id), number)


def _submission_pdf(plan, number: int) -> Response:
    submission = plan.submissions.where(Submission.number == number).first() or abort(404)
    rendered = submission.pdf is None  # the first download renders and stores it
    data = documents.submission_pdf(submission)
    name = f"{submission.snapshot['plan']['reference']}-submission-{number}.pdf"
    return _pdf(data, name, rendered)


@bp.route("/plans/<int:plan_id>/plan.xlsx")
@signed_in
def plan_xlsx(plan_id: int):
    snapshot = plan_verbs.snapshot(get_plan_or_404(current_user, plan_id))
    return _attachment(
        documents.spreadsheet(snapshot),
        documents.filename(snapshot, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/plans/<int:plan_id>/plan.csv")
@signed_in
def plan_csv(plan_id: int):
    snapshot = plan_verbs.snapshot(get_plan_or_404(current_user, plan_id))
    return _attachment(
        documents.csv_file(snapshot), documents.filename(snapshot, "csv"), "text/csv; charset=utf-8"
    )


@bp.route("/verify", methods=["GET", "POST"])
@signed_in
def verify():
    form = VerifyForm()
    outcome = None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            form.file.errors.append("The file must be 20 MB or smaller")
        else:
            outcome = documents.verify(data)
    status = 422 if form.errors else 200
    return render_template("documents/verify.html", form=form, outcome=outcome), status
