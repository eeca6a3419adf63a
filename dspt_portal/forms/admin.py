from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from .. import roles
from ..domain.orgs import ORG_TYPES, normalise_ods_code
from .base import StrippedForm


class OrganisationForm(StrippedForm):
    ods_code = StringField(
        "ODS code",
        validators=[DataRequired("Enter the organisation's ODS code")],
        description="3 to 5 letters and numbers, like RXX or X26",
    )
    name = StringField("Name", validators=[DataRequired("Enter the organisation's name"), Length(max=200)])
    org_type = SelectField(
        "Type",
        choices=[SelectChoice("", "Choose a type")] + [SelectChoice(t, t) for t in ORG_TYPES],
        validators=[DataRequired("Choose the organisation's type")],
    )
    region = SelectField("NHS England region", choices=[], validators=[Optional()])
    active = BooleanField("Active", default=True)

    def validate_ods_code(self, field):
        try:
            field.data = normalise_ods_code(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class UserForm(StrippedForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    full_name = StringField(
        "Full name", validators=[DataRequired("Enter the person's full name"), Length(max=200)]
    )
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Choose a role")] + [SelectChoice(k, v) for k, v in roles.LABELS.items()],
        validators=[DataRequired("Choose a role")],
    )
    organisation = SelectField("Organisation (for organisation roles)", choices=[], validators=[Optional()])
    region = SelectField("Region (for regional reviewers)", choices=[], validators=[Optional()])
    active = BooleanField("Active", default=True)

    def validate_organisation(self, field):
        if self.role.data in roles.ORGANISATION_ROLES and not field.data:
            raise ValidationError("Choose the organisation this person belongs to")

    def validate_region(self, field):
        if self.role.data == roles.REGIONAL_REVIEWER and not field.data:
            raise ValidationError("Choose the region this reviewer covers")


class NewUserForm(UserForm):
    password = PasswordField(
        "Temporary password",
        validators=[DataRequired("Enter a temporary password"), Length(max=128)],
        description="At least 10 characters. Tell the person to change it after they sign in.",
    )


class ResetPasswordForm(StrippedForm):
    password = PasswordField(
        "New temporary password", validators=[DataRequired("Enter a new temporary password"), Length(max=128)]
    )


class CatalogueUploadForm(StrippedForm):
    file = FileField(
        "Catalogue file",
        validators=[
            FileRequired("Choose a CSV or XLSX file"),
            FileAllowed(["csv", "xlsx"], "The file must be a CSV or XLSX file"),
        ],
        description="Columns: toolkit_year, standard, standard_title, assertion, ref, text, mandatory, org_types",
    )
