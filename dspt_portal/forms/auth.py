from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .base import StrippedForm


class SignInForm(StrippedForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=128)])


class ChangePasswordForm(StrippedForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password"), Length(max=128)]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), Length(max=128)]
    )
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
