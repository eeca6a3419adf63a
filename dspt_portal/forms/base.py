"""Base form: strips surrounding white space from every text field (as GOV.UK Notify does)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StrippedForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            # Passwords are taken exactly as typed.
            if unbound_field.field_class is not PasswordField and _strip not in filters:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)
