"""Forms for the review queue, decisions, assignment, comments and progress updates."""

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from ..domain.orgs import ORG_TYPES
from ..reviews import COMMENT_MAX, NOTE_MAX, PROGRESS_STATUSES, TABS
from .base import StrippedForm


class QueueFilterForm(StrippedForm):
    """The queue's filters: a GET form, so every view can be bookmarked."""

    tab = HiddenField(default="to_review")
    org_type = SelectField(
        "Organisation type",
        choices=[SelectChoice("", "All types")] + [SelectChoice(t, t) for t in ORG_TYPES],
        default="",
        validate_choice=False,
    )
    region = SelectField(
        "Region", choices=[SelectChoice("", "All regions")], default="", validate_choice=False
    )
    year = SelectField(
        "Toolkit year", choices=[SelectChoice("", "All years")], default="", validate_choice=False
    )
    overdue = BooleanField("Only plans with an overdue progress update")
    mine = BooleanField("Only plans assigned to me")
    sort = SelectField(
        "Sort by",
        choices=[SelectChoice("waiting", "Waiting longest"), SelectChoice("recent", "Most recent")],
        default="waiting",
        validate_choice=False,
    )

    def tab_value(self) -> str:
        keys = {key for key, _, _ in TABS}
        return self.tab.data if self.tab.data in keys else "to_review"


class DecisionForm(StrippedForm):
    # The choices offered are the workflow's allowed actions; anything else posted is refused by
    # the workflow with its own message, so WTForms does not second-guess it.
    action = RadioField("Your decision", choices=[], validate_choice=False)
    reason = TextAreaField(
        "Reason",
        description="Required when you request changes, accept by exception or return a completed plan. "
        "The organisation sees this.",
        validators=[Length(max=4000, message="The reason must be 4,000 characters or fewer")],
    )
    call_with_rsl = BooleanField("A call is to be arranged with the Regional Security Lead")
    accepted_by = StringField(
        "Name of the NHS England SRO who accepted the plan by exception",
        description="Only when accepting by exception",
        validators=[Length(max=200, message="The name must be 200 characters or fewer")],
    )


class AssignForm(StrippedForm):
    assignee = SelectField("Reviewer", choices=[], validate_choice=False)


class CommentForm(StrippedForm):
    ref = SelectField("Evidence item", choices=[], validate_choice=False)
    body = TextAreaField(
        "Comment",
        validators=[
            Length(max=COMMENT_MAX, message=f"The comment must be {COMMENT_MAX:,} characters or fewer")
        ],
    )


class ProgressRowForm(StrippedForm):
    status = RadioField(
        "Progress", choices=[SelectChoice(k, v) for k, v in PROGRESS_STATUSES.items()], validate_choice=False
    )
    actual_completion_date = StringField("Actual completion date", description="For example, 15/09/2023")
    note = TextAreaField(
        "Progress note (optional)",
        validators=[
            Length(max=NOTE_MAX, message=f"The progress note must be {NOTE_MAX:,} characters or fewer")
        ],
    )
    revised_date = StringField(
        "Revised completion date (optional)",
        description="Only if the completion date has changed, for example 31/03/2024",
    )
    revised_reason = TextAreaField("Reason for the new completion date", validators=[Length(max=2000)])
