"""Base form: strips surrounding white space from every text field (as GOV.UK Notify does)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StrippedForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            # Only text is stripped; passwords are taken exactly as typed.
            text = issubclass(unbound_field.field_class, StringField)
            if text and not issubclass(unbound_field.field_class, PasswordField) and _strip not in filters:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)
