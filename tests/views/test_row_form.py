"""The row form parses what the editor posts: milestones in index order, text stripped, NULs gone."""

from werkzeug.datastructures import MultiDict

from dspt_portal.domain.validation import MAX_MILESTONES, MilestoneInput
from dspt_portal.forms.plans import RowDatesForm, RowForm


def _parse(app, form_class, pairs):
    with app.test_request_context("/", method="POST", data=MultiDict(pairs)):
        form = form_class()
        return form, form.to_input()


def test_milestones_come_in_index_order_with_gaps_closed_and_text_stripped(app):
    form, typed = _parse(
        app,
        RowForm,
        [
            ("version", "3"),
            ("milestones-10-date", " 31/12/2023 "),
            ("milestones-10-description", "Board "),
            ("milestones-2-description", " Draft\x00 policy"),
            ("milestones-2-date", "30/09/2023"),
            ("milestones-7-description", "Only a description"),
            ("milestones-x-date", "ignored"),
            ("milestones-3-colour", "ignored"),
            ("milestonesX-1-date", "ignored"),
            ("milestones-²-date", "not an ASCII digit: ignored, not a crash"),
            ("owner", "  Jo Bloggs  "),
        ],
    )
    assert form.validate()
    assert typed.milestones == [
        MilestoneInput("Draft policy", "30/09/2023"),
        MilestoneInput("Only a description", ""),
        MilestoneInput("Board", "31/12/2023"),
    ]
    assert typed.owner == "Jo Bloggs"


def test_too_many_milestones_are_cut_off_so_the_rule_can_name_the_limit(app):
    pairs = [("version", "1")]
    for i in range(MAX_MILESTONES + 50):
        pairs += [(f"milestones-{i}-description", f"Step {i}"), (f"milestones-{i}-date", "30/09/2023")]
    _, typed = _parse(app, RowForm, pairs)
    assert len(typed.milestones) == MAX_MILESTONES + 5
    assert typed.milestones[-1].description == f"Step {MAX_MILESTONES + 4}"


def test_a_row_without_its_version_is_refused(app):
    form, _ = _parse(app, RowForm, [("owner", "Jo")])
    assert not form.validate() and "version" in form.errors


def test_the_date_check_reads_only_what_the_date_rules_need(app):
    form, typed = _parse(
        app,
        RowDatesForm,
        [
            ("completion_date", " 01/07/2024 "),
            ("exceptional_circumstances", "Supplier collapse"),
            ("milestones-0-description", "Draft"),
            ("milestones-0-date", "30/09/2023"),
            ("owner", "Jo"),
        ],
    )
    assert form.validate()
    assert typed.completion_date == "01/07/2024"
    assert typed.exceptional_circumstances == "Supplier collapse"
    assert typed.milestones == [MilestoneInput("Draft", "30/09/2023")]
    assert typed.owner == ""  # not parsed: the check only sends back date messages


def test_a_field_message_slot_escapes_what_it_shows():
    from dspt_portal.domain.validation import RowCheck
    from dspt_portal.views.editor import RowView

    class Item:
        ref = "1.1.4"

    class Row:
        evidence_item = Item()
        version = 2

    check = RowCheck(
        errors={"completion_date": '"<script>alert(1)</script>" is not a date'},
        warnings={"completion_date": "After <30 June 2024> & agreed"},
    )
    view = RowView(row=Row(), values={}, milestones=[], check=check, version=2, show_errors=True)
    html = str(view.message("completion_date", oob=True))
    assert html == (
        '<div id="row-1-1-4-completion_date-message" class="app-field-message" hx-swap-oob="true">'
        '<span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> '
        "&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; is not a date</span>"
        '<div class="nhsuk-inset-text app-field-warning"><span class="nhsuk-u-visually-hidden">Warning: </span>'
        "<p>After &lt;30 June 2024&gt; &amp; agreed</p></div></div>"
    )
    assert str(view.message("owner")) == '<div id="row-1-1-4-owner-message" class="app-field-message"></div>'
    view.show_errors = False  # a row nobody has worked on yet shows no messages
    assert "Error" not in str(view.message("completion_date"))
