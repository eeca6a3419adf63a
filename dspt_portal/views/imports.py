"""Spreadsheet import: upload, see a preview of every change and problem, then apply all or nothing."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from .. import plans as plan_verbs
from .. import roles
from ..clock import today
from ..domain import workflow
from ..forms.documents import ImportForm
from ..forms.plans import ConfirmForm
from ..models import EvidenceItem
from ..queries import get_plan_or_404
from ..security import roles_required

bp = Blueprint("imports", __name__, url_prefix="/plans")
org_user = roles_required(*roles.ORGANISATION_ROLES)
MAX_UPLOAD = 5_000_000


def _serializer() -> URLSafeSerializer:
    # The preview travels in the page, signed, so no server-side state is needed between the steps.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="plan-import")


def _catalogue(plan):
    return {i.ref: i for i in EvidenceItem.select().where(EvidenceItem.toolkit_year == plan.toolkit_year_id)}


@bp.route("/<int:plan_id>/import", methods=["GET", "POST"])
@org_user
def upload(plan_id: int):
    from ..exports import import_preview, xlsx

    plan = get_plan_or_404(current_user, plan_id)
    if not workflow.editable_by_organisation(plan.state):
        abort(409)
    form = ImportForm()
    preview = result = None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD + 1)
        result = xlsx.read_plan_xlsx(data, known_refs=set(_catalogue(plan)), max_bytes=MAX_UPLOAD)
        if not result.problems:
            current = [plan_verbs.row_dict(r) for r in plan_verbs.load_rows(plan)]
            preview = import_preview.compare(current, result.rows)
    token = (
        _serializer().dumps({"plan": plan.id, "version": plan.version, "rows": result.rows})
        if preview is not None
        else None
    )
    status = 422 if (form.errors or (result and result.problems)) else 200
    return render_template(
        "imports/upload.html",
        plan=plan,
        form=form,
        result=result,
        preview=preview,
        token=token,
        confirm=ConfirmForm(),
    ), status


@bp.route("/<int:plan_id>/import/apply", methods=["POST"])
@org_user
def apply(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        payload = _serializer().loads(request.form.get("preview", ""))
    except BadSignature:
        abort(400)
    if payload["plan"] != plan.id:
        abort(400)
    if payload["version"] != plan.version:
        flash(
            "The plan changed after you uploaded the spreadsheet. Upload it again to see an up-to-date preview.",
            "warning",
        )
        return redirect(url_for("imports.upload", plan_id=plan.id))
    try:
        changed = plan_verbs.apply_import(current_user, plan, payload["rows"], _catalogue(plan), today())
    except plan_verbs.NotEditable as exc:
        flash(str(exc), "warning")
        return redirect(url_for("plans.edit", plan_id=plan.id))
    flash(f"Spreadsheet imported: {changed} evidence item(s) added or changed.", "success")
    return redirect(url_for("plans.edit", plan_id=plan.id))
