"""Administrators manage organisations, users and the catalogue, and read the e-mail outbox."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN
from wtforms import SelectChoice

from .. import accounts, reference, roles
from ..forms.admin import CatalogueUploadForm, NewUserForm, OrganisationForm, ResetPasswordForm, UserForm
from ..models import EvidenceItem, Organisation, OutboxMessage, Region, ToolkitYear, User
from ..security import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(roles.ADMIN)


def _region_choices():
    return [SelectChoice("", "None")] + [
        SelectChoice(str(r.id), r.name) for r in Region.select().order_by(Region.name)
    ]


def _organisation_choices():
    orgs = Organisation.select().order_by(Organisation.name)
    return [SelectChoice("", "None")] + [SelectChoice(str(o.id), f"{o.name} ({o.ods_code})") for o in orgs]


def _apply_error(form, error: accounts.AccountError):
    getattr(form, error.field or "email").errors.append(error.message)


@bp.route("/")
@admin_only
def index():
    counts = {
        "organisations": Organisation.select().count(),
        "users": User.select().count(),
        "evidence_items": EvidenceItem.select().count(),
        "unsent": OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count(),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/organisations")
@admin_only
def organisations():
    orgs = (
        Organisation.select(Organisation, Region)
        .join(Region, on=(Organisation.region == Region.id), join_type=JOIN.LEFT_OUTER)
        .order_by(Organisation.name)
    )
    return render_template("admin/organisations.html", organisations=orgs)


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@admin_only
def organisation(org_id: int | None = None):
    org = Organisation.get_or_none(Organisation.id == org_id) if org_id else None
    if org_id and org is None:
        abort(404)
    form = OrganisationForm(obj=org, region=str(org.region_id or "") if org else "")
    form.region.choices = _region_choices()
    if form.validate_on_submit():
        try:
            accounts.save_organisation(
                current_user,
                organisation=org,
                ods_code=form.ods_code.data,
                name=form.name.data,
                org_type=form.org_type.data,
                region_id=int(form.region.data) if form.region.data else None,
                active=form.active.data,
            )
        except accounts.AccountError as error:
            _apply_error(form, error)
        else:
            flash(f"Organisation {form.name.data} saved.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", form=form, organisation=org)


@bp.route("/users")
@admin_only
def users():
    people = (
        User.select(User, Organisation).join(Organisation, join_type=JOIN.LEFT_OUTER).order_by(User.email)
    )
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int | None = None):
    person = User.get_or_none(User.id == user_id) if user_id else None
    if user_id and person is None:
        abort(404)
    form_class = UserForm if person else NewUserForm
    form = form_class(
        obj=person,
        organisation=str(person.organisation_id or "") if person else "",
        region=str(person.region_id or "") if person else "",
    )
    form.organisation.choices = _organisation_choices()
    form.region.choices = _region_choices()
    if form.validate_on_submit():
        try:
            accounts.save_user(
                current_user,
                user=person,
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
                organisation_id=int(form.organisation.data) if form.organisation.data else None,
                region_id=int(form.region.data) if form.region.data else None,
                active=form.active.data,
                password=getattr(form, "password", None) and form.password.data,
            )
        except accounts.AccountError as error:
            _apply_error(form, error)
        else:
            flash(f"User {form.email.data.lower()} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, person=person)


@bp.route("/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@admin_only
def reset_password(user_id: int):
    person = User.get_or_none(User.id == user_id) or abort(404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(current_user, person, form.password.data)
        except accounts.AccountError as error:
            form.password.errors.append(error.message)
        else:
            flash(f"The password of {person.email} has been reset. Their sessions have ended.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/reset_password.html", form=form, person=person)


@bp.route("/catalogue", methods=["GET", "POST"])
@admin_only
def catalogue():
    form = CatalogueUploadForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = reference.import_catalogue(
                upload.read(reference.CATALOGUE_MAX_BYTES + 1), upload.filename
            )
        except reference.ImportRefused as exc:
            form.file.errors.append(str(exc))
        else:
            if report.rejected:
                form.file.errors.append(f"{len(report.rejected)} row(s) have problems: nothing was imported")
            else:
                flash(report.lines()[0], "success")
                return redirect(url_for("admin.catalogue"))
    years = [
        (year, EvidenceItem.select().where(EvidenceItem.toolkit_year == year.id).count())
        for year in ToolkitYear.select().order_by(ToolkitYear.label.desc())
    ]
    return render_template("admin/catalogue.html", form=form, report=report, years=years)


@bp.route("/outbox")
@admin_only
def outbox():
    page = max(request.args.get("page", 1, type=int), 1)
    messages = OutboxMessage.select().order_by(OutboxMessage.created_at.desc()).paginate(page, 50)
    return render_template("admin/outbox.html", messages=messages, page=page)
