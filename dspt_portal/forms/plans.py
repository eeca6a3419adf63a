from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..domain import validation as rules
from .base import StrippedForm


class MilestoneForm(Form):
    description = StringField("Description")
    date = StringField("Date")


class RowForm(StrippedForm):
    """One plan row as posted. The domain validator checks it; WTForms only parses it."""

    version = IntegerField(validators=[InputRequired()])
    partial = BooleanField("Answered only partially")
    current_position = TextAreaField("Current position or gap")
    actions = TextAreaField("Actions required")
    milestones = FieldList(FormField(MilestoneForm), min_entries=0, max_entries=rules.MAX_MILESTONES + 5)
    completion_date = StringField("Target completion date")
    owner = StringField("Action owner")
    covid_impact = StringField("Did COVID affect meeting this item?")  # the domain rule checks the value
    covid_note = TextAreaField("How COVID affected this item")
    exceptional_circumstances = TextAreaField("Exceptional circumstances")
    action = HiddenField()  # "save" | "add_milestone" | "remove_milestone-N", set by the button pressed

    def to_input(self) -> rules.RowInput:
        return rules.RowInput(
            current_position=self.current_position.data or "",
            actions=self.actions.data or "",
            milestones=[
                # m.form: a FormField has its own "description" attribute that would shadow the subfield.
                rules.MilestoneInput((m.form.description.data or "").strip(), (m.form.date.data or "").strip())
                for m in self.milestones
            ],
            completion_date=self.completion_date.data or "",
            owner=self.owner.data or "",
            covid_impact=self.covid_impact.data or "",
            covid_note=self.covid_note.data or "",
            exceptional_circumstances=self.exceptional_circumstances.data or "",
        )


class StartPlanForm(StrippedForm):
    refs = TextAreaField(
        "Or paste a list of evidence item references",
        description="Separate them with commas, spaces or new lines, for example: 1.1.4, 3.2.1",
        validators=[Length(max=5000, message="The list must be 5,000 characters or fewer")],
    )


class SignOffForm(StrippedForm):
    name = StringField("Full name of the signatory",
                       validators=[DataRequired("Enter the signatory's full name"), Length(max=200)])
    role = StringField("Their role", description="For example, Senior Information Risk Owner (SIRO)",
                       validators=[DataRequired("Enter the signatory's role"), Length(max=200)])
    board = StringField("Board or committee that approved the plan",
                        validators=[DataRequired("Enter the board or committee"), Length(max=200)])
    meeting_date = StringField("Meeting date", description="For example, 10/07/2023",
                               validators=[DataRequired("Enter the meeting date"), Length(max=100)])
    minute_reference = StringField("Minute reference (optional)", validators=[Length(max=100)])


class ConfirmForm(StrippedForm):
    """A button-only form: CSRF is its whole point."""
