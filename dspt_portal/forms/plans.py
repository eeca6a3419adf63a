import re

from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..domain import validation as rules
from .base import StrippedForm


class MilestonesField(Field):
    """A row's milestones, posted as milestones-N-description and milestones-N-date, in N order.

    One field, where WTForms' FieldList of FormFields built a sub-form and two fields per
    milestone on every autosave and live check. Its data is a list of MilestoneInput (text
    stripped); more than `max_entries` milestones are cut off, and the domain rule reports more
    than MAX_MILESTONES.
    """

    _key = re.compile(r"(\d{1,6})-(description|date)", re.ASCII)

    def __init__(self, label=None, validators=None, max_entries=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_entries = max_entries

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = list(data or [])
        if not formdata:
            return
        prefix = self.name + "-"
        parts: dict[int, dict[str, str]] = {}
        for key in formdata:
            match = key.startswith(prefix) and self._key.fullmatch(key, len(prefix))
            if match:
                parts.setdefault(int(match[1]), {})[match[2]] = formdata.get(key) or ""
        indices = sorted(parts)[: self.max_entries]
        self.data = [
            rules.MilestoneInput(parts[i].get("description", "").strip(), parts[i].get("date", "").strip())
            for i in indices
        ]


class RowDatesForm(StrippedForm):
    """What the live date check needs from the posted row (htmx sends all of it): the dates, the
    milestone descriptions (a blank milestone is not checked) and the exceptional circumstances
    that allow a date past the limit. Three fields, where the whole row (RowForm) is ten."""

    milestones = MilestonesField(max_entries=rules.MAX_MILESTONES + 5)
    completion_date = StringField("Target completion date")
    exceptional_circumstances = TextAreaField("Exceptional circumstances")

    def to_input(self) -> rules.RowInput:
        """The row as typed; a field this form does not read stays empty."""
        text = {
            name: self[name].data or "" for name in rules.ROW_FIELDS if name != "milestones" and name in self
        }
        return rules.RowInput(milestones=list(self.milestones.data), **text)


class RowForm(RowDatesForm):
    """One plan row as posted. The domain validator checks it; WTForms only parses it."""

    version = IntegerField(validators=[InputRequired()])
    partial = BooleanField("Answered only partially")
    current_position = TextAreaField("Current position or gap")
    actions = TextAreaField("Actions required")
    owner = StringField("Action owner")
    covid_impact = StringField("Did COVID affect meeting this item?")  # the domain rule checks the value
    covid_note = TextAreaField("How COVID affected this item")
    # The button pressed ("save" | "add_milestone" | "remove_milestone-N") is read from the
    # request by the view: it chooses what to do, it is not part of the row.


class StartPlanForm(StrippedForm):
    refs = TextAreaField(
        "Or paste a list of evidence item references",
        description="Separate them with commas, spaces or new lines, for example: 1.1.4, 3.2.1",
        validators=[Length(max=5000, message="The list must be 5,000 characters or fewer")],
    )


class SignOffForm(StrippedForm):
    name = StringField(
        "Full name of the signatory",
        validators=[DataRequired("Enter the signatory's full name"), Length(max=200)],
    )
    role = StringField(
        "Their role",
        description="For example, Senior Information Risk Owner (SIRO)",
        validators=[DataRequired("Enter the signatory's role"), Length(max=200)],
    )
    board = StringField(
        "Board or committee that approved the plan",
        validators=[DataRequired("Enter the board or committee"), Length(max=200)],
    )
    meeting_date = StringField(
        "Meeting date",
        description="For example, 10/07/2023",
        validators=[DataRequired("Enter the meeting date"), Length(max=100)],
    )
    minute_reference = StringField("Minute reference (optional)", validators=[Length(max=100)])


class ConfirmForm(StrippedForm):
    """A button-only form: CSRF is its whole point."""
