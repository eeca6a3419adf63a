"""The form and display macros render WTForms fields through the NHS.UK components."""

import re

import pytest
from flask import render_template_string
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Regexp, ValidationError

XSS = '<script>alert("x")</script>'


def no_html_in_labels(form, field):
    raise ValidationError("Enter the detail without <b>tags</b>")


class SampleForm(FlaskForm):
    class Meta:
        csrf = False

    email = StringField(
        "Email <address>",
        validators=[
            DataRequired("Enter your email address"),
            Regexp(r"^[^@<>\s]+@[^@<>\s]+$", message="Enter an email address in the correct format"),
        ],
    )
    detail = TextAreaField("What needs to happen", validators=[no_html_in_labels])
    status = RadioField(
        "Status",
        choices=[SelectChoice("not-started", "Not started"), SelectChoice("done", "Done <now>")],
        validators=[DataRequired("Select a status")],
    )
    organisation = SelectField(
        "Organisation",
        choices=[
            SelectChoice("", "Choose an organisation"),
            SelectChoice("a1", "Trust <A>"),
            SelectChoice("b2", "Trust B"),
        ],
    )
    areas = SelectMultipleField(
        "Areas",
        choices=[
            SelectChoice("people", "People"),
            SelectChoice("process", "Process"),
            SelectChoice("tech", "Technology"),
        ],
        validators=[DataRequired("Select at least one area")],
    )
    due_on = DateField(
        "Completion date", format="%d/%m/%Y", validators=[DataRequired("Enter a completion date")]
    )


def render(app, source, data=None, **context):
    """Render `source` with forms/display imported and a SampleForm bound to `data`."""
    with app.test_request_context(method="POST", data=data or {}):
        form = SampleForm(formdata=MultiDict(data or {}))
        if data is not None:
            form.validate()
        return render_template_string(
            '{% import "components/forms.html" as forms %}'
            '{% import "components/display.html" as display %}' + source,
            form=form,
            **context,
        )


INVALID = {
    "email": XSS,
    "detail": XSS,
    "organisation": "b2",
    "areas": ["people", "tech"],
    "due_on": "31/02/2024",
}


def squash(html):
    return re.sub(r"\s+", " ", html)


# ---- input ---------------------------------------------------------------------------------


def test_input_renders_label_id_value_and_error(app):
    html = squash(
        render(
            app,
            '{{ forms.input(form.email, type="email", autocomplete="email", hint="We send reminders here", classes="nhsuk-input--width-20", attrs={"hx-post": "/check?a=1&b=2", "hx-trigger": "blur"}) }}',
            INVALID,
        )
    )
    assert 'id="email"' in html and 'name="email"' in html and 'type="email"' in html
    assert 'for="email"' in html
    assert "Email &lt;address&gt;" in html  # label text escaped
    assert "We send reminders here" in html
    assert 'id="email-hint"' in html and 'aria-describedby="email-hint email-error"' in html
    assert "nhsuk-form-group--error" in html and "nhsuk-input--error" in html
    assert 'id="email-error"' in html and "Enter an email address in the correct format" in html
    assert 'autocomplete="email"' in html and "nhsuk-input--width-20" in html
    assert 'hx-post="/check?a=1&amp;b=2"' in html and 'hx-trigger="blur"' in html


def test_input_keeps_what_was_typed_escaped(app):
    html = render(app, "{{ forms.input(form.email) }}", INVALID)
    assert "<script>" not in html
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in html


def test_input_without_error_has_no_error_markup(app):
    html = render(app, "{{ forms.input(form.email) }}", {"email": "ada@example.org"})
    assert "nhsuk-error-message" not in html and "--error" not in html
    assert 'value="ada@example.org"' in html


def test_error_override_and_warning(app):
    html = squash(
        render(
            app,
            '{{ forms.input(form.email, error="That email <is> taken", warning="Check <this>") }}',
            {"email": "a@b.org"},
        )
    )
    assert "That email &lt;is&gt; taken" in html
    assert 'class="nhsuk-inset-text app-field-warning"' in html and 'id="email-warning"' in html
    assert "Check &lt;this&gt;" in html
    assert (
        'aria-describedby="email-error email-warning"' in html
        or 'aria-describedby="email-warning email-error"' in html
    )


def test_label_as_page_heading(app):
    html = squash(render(app, "{{ forms.input(form.email, is_page_heading=true) }}"))
    assert re.search(
        r'<h1 class="nhsuk-label-wrapper"> <label class="nhsuk-label nhsuk-label--l" for="email">', html
    )
    html = squash(render(app, "{{ forms.input(form.email) }}"))
    assert "<h1" not in html


def test_unknown_keyword_is_an_error(app):
    with pytest.raises(TypeError):
        render(app, "{{ forms.input(form.email, hnit='typo') }}")


# ---- date, textarea -------------------------------------------------------------------------


def test_date_text_is_one_text_input_keeping_bad_input(app):
    html = squash(render(app, "{{ forms.date_text(form.due_on) }}", INVALID))
    assert html.count("<input") == 1
    assert 'id="due_on"' in html and 'type="text"' in html and "nhsuk-input--width-10" in html
    assert "For example, 30/06/2024" in html
    assert 'value="31/02/2024"' in html
    assert "nhsuk-error-message" in html


def test_textarea_escapes_value_and_shows_error(app):
    html = squash(
        render(
            app,
            '{{ forms.textarea(form.detail, rows=8, hint="Say what", attrs={"hx-post": "/row"}) }}',
            INVALID,
        )
    )
    assert "<textarea" in html and 'id="detail"' in html and 'rows="8"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Enter the detail without &lt;b&gt;tags&lt;/b&gt;" in html
    assert 'hx-post="/row"' in html


def test_textarea_with_limit_is_a_character_count(app):
    html = render(app, "{{ forms.textarea(form.detail, maxlength=500) }}", {"detail": "ok"})
    assert 'data-module="nhsuk-character-count"' in html and 'data-maxlength="500"' in html


# ---- choices --------------------------------------------------------------------------------


def test_radios(app):
    html = squash(
        render(
            app,
            '{{ forms.radios(form.status, inline=true, hint="Pick one", attrs={"hx-post": "/s"}, hints={"done": "All <finished>"}) }}',
            INVALID,
        )
    )
    assert "<fieldset" in html and "<legend" in html and "Status" in html
    assert html.count('id="status"') == 1 and 'id="status-2"' in html  # summary links to the first
    assert '<input class="nhsuk-radios__input" id="status"' in html
    assert 'value="not-started"' in html and "Done &lt;now&gt;" in html
    assert "All &lt;finished&gt;" in html
    assert "nhsuk-radios--inline" in html
    assert "Select a status" in html and 'id="status-error"' in html
    assert 'hx-post="/s"' in html


def test_radios_checks_the_chosen_value(app):
    html = squash(render(app, "{{ forms.radios(form.status) }}", {"status": "done"}))
    assert re.search(r'id="status-2" name="status" type="radio" value="done" checked', html)
    assert not re.search(r'value="not-started" checked', html)


def test_radios_legend_as_page_heading(app):
    html = squash(render(app, "{{ forms.radios(form.status, is_page_heading=true) }}"))
    assert "nhsuk-fieldset__legend--l" in html and "<h1" in html


def test_select(app):
    html = squash(render(app, "{{ forms.select(form.organisation, attrs={'hx-get': '/o'}) }}", INVALID))
    assert "<select" in html and 'id="organisation"' in html and 'hx-get="/o"' in html
    assert "Trust &lt;A&gt;" in html
    assert re.search(r'<option value="b2" selected>', html)


def test_checkboxes(app):
    html = squash(render(app, "{{ forms.checkboxes(form.areas) }}", INVALID))
    assert 'type="checkbox"' in html and html.count('id="areas"') == 1
    assert re.search(r'value="people" checked', html) and re.search(r'value="tech" checked', html)
    assert not re.search(r'value="process" checked', html)
    html = render(app, "{{ forms.checkboxes(form.areas) }}", {"areas": []})
    assert "Select at least one area" in html


# ---- button ---------------------------------------------------------------------------------


def test_button(app):
    html = squash(
        render(app, '{{ forms.button("Save <row>", attrs={"hx-post": "/r", "hx-target": "closest tr"}) }}')
    )
    assert '<button class="nhsuk-button"' in html and 'type="submit"' in html
    assert "Save &lt;row&gt;" in html and 'hx-post="/r"' in html and 'hx-target="closest tr"' in html
    html = render(app, '{{ forms.button("Cancel", secondary=true, name="action", value="cancel") }}')
    assert "nhsuk-button--secondary" in html and 'name="action"' in html and 'value="cancel"' in html
    html = render(app, '{{ forms.button("Back to plans", href="/plans") }}')
    assert '<a href="/plans"' in html or 'href="/plans"' in html


# ---- error summary --------------------------------------------------------------------------


def test_error_summary_links_each_field(app):
    html = squash(render(app, "{{ forms.error_summary(form) }}", INVALID))
    assert "There is a problem" in html and 'data-module="nhsuk-error-summary"' in html
    assert '<a href="#email">' in html and "Enter an email address in the correct format" in html
    assert '<a href="#status">' in html and "Select a status" in html
    assert '<a href="#due_on">' in html
    assert "Enter the detail without &lt;b&gt;tags&lt;/b&gt;" in html
    assert "<b>" not in html
    # in the order of the form
    assert html.index("#email") < html.index("#detail") < html.index("#status") < html.index("#due_on")


def test_error_summary_empty_when_valid(app):
    html = render(app, "{{ forms.error_summary(form) }}")
    assert "nhsuk-error-summary" not in html


def test_error_summary_list_accepts_pairs_and_dicts(app):
    html = squash(
        render(
            app,
            '{{ forms.error_summary_list([("#row-3-due-on", "Enter a completion date for <row 3>"), {"href": "", "text": "The plan has no rows"}]) }}',
        )
    )
    assert '<a href="#row-3-due-on">' in html and "Enter a completion date for &lt;row 3&gt;" in html
    assert "<li> The plan has no rows </li>" in html
    assert render(app, "{{ forms.error_summary_list([]) }}").strip() == ""


# ---- display --------------------------------------------------------------------------------


def test_summary_list_escapes_text_and_keeps_markup(app):
    html = squash(
        render(
            app,
            '{{ display.summary_list([("Name", name), ("Plan version", 3), ("Notes", none), {"key": "Status", "value": display.tag("Submitted", "blue"), "actions": [{"href": "/s", "text": "Change", "visually_hidden": "status"}]}], empty="Not provided") }}',
            name=XSS,
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<dt class="nhsuk-summary-list__key"> Plan version </dt>' in html and "> 3 </dd>" in html
    assert "Not provided" in html
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">' in html
    assert 'href="/s"' in html and '<span class="nhsuk-u-visually-hidden"> status</span>' in html


def test_summary_list_card(app):
    html = render(app, '{{ display.summary_list([("A", "b")], card="Plan <details>") }}')
    assert "nhsuk-card" in html and "Plan &lt;details&gt;" in html


def test_tag(app):
    assert 'class="nhsuk-tag nhsuk-tag--red"' in render(app, '{{ display.tag("Overdue", "red") }}')
    html = render(app, '{{ display.tag("<b>x</b>", "not-a-colour") }}')
    assert 'class="nhsuk-tag"' in html and "&lt;b&gt;" in html


def test_macros_escape_even_without_autoescape_in_components(app):
    """Flask's default autoescape skips .jinja files; our macros still escape user text."""
    app.jinja_env.autoescape = lambda name: bool(name) and name.endswith(".html")
    html = render(
        app,
        "{{ forms.textarea(form.detail) }}{{ forms.input(form.email) }}{{ forms.error_summary(form) }}",
        INVALID,
    )
    assert "<script>" not in html and "<b>" not in html


def test_markup_hint_and_conditional_are_kept_as_html(app):
    hint = Markup('See <a href="/guide">the guide</a>')
    reveal = Markup('<p class="nhsuk-body">Explain <em>why</em></p>')
    html = render(
        app,
        "{{ forms.radios(form.status, hint=hint, conditionals={'done': reveal}) }}",
        hint=hint,
        reveal=reveal,
    )
    assert '<a href="/guide">the guide</a>' in html
    assert "<em>why</em>" in html and "nhsuk-radios__conditional" in html
