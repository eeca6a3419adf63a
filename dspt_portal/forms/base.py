"""Base form: strips surrounding white space from every text field (as GOV.UK Notify does) and NUL
characters from everything posted."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _without_nul(formdata):
    """The posted data with NUL characters removed: PostgreSQL cannot store them in text, and no
    person types one (they come from pasted binary or from attackers probing for a crash)."""
    if formdata is None or not any(isinstance(v, str) and "\x00" in v for _, v in formdata.items(multi=True)):
        return formdata
    return MultiDict(
        [(k, v.replace("\x00", "") if isinstance(v, str) else v) for k, v in formdata.items(multi=True)]
    )


class StrippedForm(FlaskForm):
    class Meta:
        # CSRFProtect checks the token of every POST, PUT, PATCH and DELETE before any view runs
        # (tests/security/test_csrf.py); a second check inside each form only repeated the work.
        csrf = False

        def wrap_formdata(self, form, formdata):
            return _without_nul(FlaskForm.Meta.wrap_formdata(self, form, formdata))

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            # Only text is stripped; passwords are taken exactly as typed.
            text = issubclass(unbound_field.field_class, StringField)
            if text and not issubclass(unbound_field.field_class, PasswordField) and _strip not in filters:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)
