"""Creating and changing organisations and users, shared by the admin pages and the CLI."""

from peewee import IntegrityError

from . import audit, passwords, roles
from .domain.orgs import normalise_ods_code
from .extensions import db
from .models import Organisation, Region, User


class AccountError(ValueError):
    """A change was refused; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _check_role_links(role: str, organisation_id, region_id):
    if role not in roles.ALL:
        raise AccountError(f"Unknown role {role!r}", "role")
    if role in roles.ORGANISATION_ROLES and not organisation_id:
        raise AccountError("Choose the organisation this person belongs to", "organisation")
    if role == roles.REGIONAL_REVIEWER and not region_id:
        raise AccountError("Choose the region this reviewer covers", "region")


def save_user(
    actor,
    *,
    user: User | None = None,
    email: str,
    full_name: str,
    role: str,
    organisation_id=None,
    region_id=None,
    active: bool = True,
    password: str | None = None,
) -> User:
    """Create (with a password) or update a user; organisation roles belong to exactly one organisation."""
    email = email.strip().lower()
    _check_role_links(role, organisation_id, region_id)
    organisation_id = organisation_id if role in roles.ORGANISATION_ROLES else None
    region_id = region_id if role == roles.REGIONAL_REVIEWER else None
    if user is None:
        problem = passwords.password_problem(password or "", email=email)
        if problem:
            raise AccountError(problem, "password")
    clash = User.get_or_none((User.email == email) & (User.id != (user.id if user else 0)))
    if clash:
        raise AccountError("A user with this email address already exists", "email")
    before = _user_dict(user) if user else None
    try:
        with db.atomic():
            if user is None:
                user = User.create(
                    email=email,
                    full_name=full_name,
                    role=role,
                    organisation=organisation_id,
                    region=region_id,
                    active=active,
                    password_hash=passwords.hash_password(password),
                )
                audit.record(
                    actor,
                    "user_created",
                    f"Created user {email} ({roles.LABELS[role]})",
                    organisation=organisation_id,
                    after=_user_dict(user),
                )
            else:
                if not active and user.active:
                    user.session_epoch += 1  # deactivating ends their sessions at once
                user.email, user.full_name, user.role = email, full_name, role
                user.organisation, user.region, user.active = organisation_id, region_id, active
                user.save()
                audit.record(
                    actor,
                    "user_updated",
                    f"Updated user {email}",
                    organisation=organisation_id,
                    before=before,
                    after=_user_dict(user),
                )
    except IntegrityError as exc:  # a concurrent insert of the same e-mail
        raise AccountError("A user with this email address already exists", "email") from exc
    return user


def reset_password(actor, user: User, password: str) -> None:
    problem = passwords.password_problem(password, email=user.email)
    if problem:
        raise AccountError(problem, "password")
    with db.atomic():
        user.password_hash = passwords.hash_password(password)
        user.session_epoch += 1
        user.save()
        audit.record(actor, "password_reset", f"Reset the password of {user.email}")


def save_organisation(
    actor,
    *,
    organisation: Organisation | None = None,
    ods_code: str,
    name: str,
    org_type: str,
    region_id=None,
    active: bool = True,
) -> Organisation:
    try:
        ods_code = normalise_ods_code(ods_code)
    except ValueError as exc:
        raise AccountError(str(exc), "ods_code") from exc
    clash = Organisation.get_or_none(
        (Organisation.ods_code == ods_code) & (Organisation.id != (organisation.id if organisation else 0))
    )
    if clash:
        raise AccountError(f"An organisation with ODS code {ods_code} already exists", "ods_code")
    region = Region.get_or_none(Region.id == region_id) if region_id else None
    with db.atomic():
        if organisation is None:
            organisation = Organisation.create(
                ods_code=ods_code, name=name, org_type=org_type, region=region, active=active
            )
            audit.record(
                actor,
                "organisation_created",
                f"Created organisation {name} ({ods_code})",
                organisation=organisation,
            )
        else:
            organisation.ods_code, organisation.name, organisation.org_type = ods_code, name, org_type
            organisation.region, organisation.active = region, active
            organisation.save()
            audit.record(
                actor,
                "organisation_updated",
                f"Updated organisation {name} ({ods_code})",
                organisation=organisation,
            )
    return organisation


def _user_dict(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": user.organisation_id,
        "region": user.region_id,
        "active": user.active,
    }
