"""The one rule set for plan rows, used by live field checks and the final save."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date

from .dates import DateError, format_date, format_long, parse_user_date

CURRENT_POSITION = 4000
ACTIONS = 4000
OWNER = 200
COVID_NOTE = 2000
EXCEPTIONAL = 4000
MILESTONE_DESCRIPTION = 500
MAX_MILESTONES = 20
MIN_ACTIONS_CHARS = 25

COVID_CHOICES = ("", "yes", "no")


@dataclass
class MilestoneInput:
    """A milestone as typed."""

    description: str = ""
    date: str = ""


@dataclass
class RowInput:
    """A plan row as typed: every value is the raw text from the form."""

    current_position: str = ""
    actions: str = ""
    milestones: list[MilestoneInput] = field(default_factory=list)
    completion_date: str = ""
    owner: str = ""
    covid_impact: str = ""
    covid_note: str = ""
    exceptional_circumstances: str = ""


# The fields of a row as typed, in form order.
ROW_FIELDS = tuple(f.name for f in fields(RowInput))


@dataclass(frozen=True)
class YearRules:
    """The per-year limits a row is checked against."""

    label: str
    latest_completion_date: date | None


@dataclass
class RowCheck:
    """The outcome of checking one row: errors block, warnings inform."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    completion_date: date | None = None
    milestone_dates: list[date | None] = field(default_factory=list)
    latest_completion_date: date | None = None

    @property
    def complete(self) -> bool:
        """True when the row has no errors."""
        return not self.errors

    @property
    def needs_exception(self) -> bool:
        """True when the completion date is after the year's limit."""
        return (
            self.completion_date is not None
            and self.latest_completion_date is not None
            and self.completion_date > self.latest_completion_date
        )


def _clean(text: str | None) -> str:
    """Strip, and count a browser's CRLF newline as one character like maxlength does."""
    return (text or "").replace("\r\n", "\n").strip()


def _too_long(text: str, limit: int, label: str) -> str | None:
    """The length message when text is over the limit."""
    return f"{label} must be {limit:,} characters or fewer" if len(text) > limit else None


def _check_milestones(row: RowInput, completion: date | None, errors: dict[str, str]) -> list[date | None]:
    """Check milestones in place; return their parsed dates (None where empty or invalid)."""
    dates: list[date | None] = []
    filled = 0
    for i, milestone in enumerate(row.milestones):
        n, key = i + 1, f"milestones-{i}"
        description, typed_date = _clean(milestone.description), _clean(milestone.date)
        dates.append(None)
        if not (description or typed_date):
            continue  # blank rows left in the form are not milestones
        filled += 1
        if not description:
            errors[f"{key}-description"] = f"Enter a description for milestone {n}"
        elif message := _too_long(description, MILESTONE_DESCRIPTION, f"Milestone {n} description"):
            errors[f"{key}-description"] = message
        if not typed_date:
            errors[f"{key}-date"] = f"Enter a date for milestone {n}"
            continue
        try:
            dates[i] = parse_user_date(typed_date, f"Milestone {n} date")
        except DateError as e:
            errors[f"{key}-date"] = e.message
            continue
        if completion and dates[i] > completion:
            errors[f"{key}-date"] = (
                f"Milestone {n} date must be on or before the completion date ({format_date(completion)})"
            )
    if filled == 0:
        errors["milestones"] = "Add at least one milestone"
    elif filled > MAX_MILESTONES:
        errors["milestones"] = f"A row can have up to {MAX_MILESTONES} milestones"
    return dates


def validate_row(row: RowInput, rules: YearRules, today: date) -> RowCheck:
    """Check one row against every rule; errors are keyed by field in form order."""
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}

    current_position = _clean(row.current_position)
    if not current_position:
        errors["current_position"] = "Enter the current position or gap"
    elif message := _too_long(current_position, CURRENT_POSITION, "Current position"):
        errors["current_position"] = message

    actions = _clean(row.actions)
    if not actions:
        errors["actions"] = "Enter the actions required"
    elif message := _too_long(actions, ACTIONS, "Actions required"):
        errors["actions"] = message
    elif len(actions) < MIN_ACTIONS_CHARS:
        errors["actions"] = (
            "Actions required must describe the steps to meet this evidence item "
            f"(at least {MIN_ACTIONS_CHARS} characters)"
        )

    # Parse the completion date first: milestones are checked against it.
    completion: date | None = None
    completion_error = None
    exceptional = _clean(row.exceptional_circumstances)
    typed_completion = _clean(row.completion_date)
    if not typed_completion:
        completion_error = "Enter a completion date"
    else:
        try:
            completion = parse_user_date(typed_completion, "Completion date")
        except DateError as e:
            completion_error = e.message

    milestone_dates = _check_milestones(row, completion, errors)

    limit = rules.latest_completion_date
    exceptional_error = _too_long(exceptional, EXCEPTIONAL, "Exceptional circumstances")
    if completion and completion < today:
        completion_error = "Completion date must be today or in the future"
    elif completion and limit and completion > limit:
        if not exceptional:
            completion_error = f"Completion date must be on or before {format_long(limit)}"
            exceptional_error = (
                f"Explain the exceptional circumstances for a completion date after {format_long(limit)}"
            )
        else:
            warnings["completion_date"] = (
                "NHS England must agree the exceptional circumstances for a completion date "
                f"after {format_long(limit)}"
            )
    if completion_error:
        errors["completion_date"] = completion_error

    owner = _clean(row.owner)
    if not owner:
        errors["owner"] = "Enter the action owner"
    elif message := _too_long(owner, OWNER, "Action owner"):
        errors["owner"] = message

    covid_note = _clean(row.covid_note)
    if row.covid_impact not in COVID_CHOICES:
        errors["covid_impact"] = "Select whether COVID affected this item"
    if row.covid_impact == "yes" and not covid_note:
        errors["covid_note"] = "Describe how COVID affected this item"
    elif message := _too_long(covid_note, COVID_NOTE, "COVID impact description"):
        errors["covid_note"] = message

    if exceptional_error:
        errors["exceptional_circumstances"] = exceptional_error

    return RowCheck(
        errors=errors,
        warnings=warnings,
        completion_date=completion,
        milestone_dates=milestone_dates,
        latest_completion_date=limit,
    )


@dataclass(frozen=True)
class Problem:
    """One thing to fix, for the error summary; ref is "" for plan-level problems."""

    ref: str
    field: str
    message: str

    @property
    def anchor(self) -> str:
        """The HTML id of the field's input, for error-summary links."""
        if not self.ref:
            return f"plan-{self.field}"
        return f"row-{self.ref.replace('.', '-')}-{self.field}"


def plan_problems(rows: list[tuple[str, RowCheck]]) -> list[Problem]:
    """Every row error in order, then plan-level problems (no rows, duplicated refs)."""
    problems = [Problem(ref, key, message) for ref, check in rows for key, message in check.errors.items()]
    if not rows:
        problems.append(Problem("", "rows", "Add at least one evidence item to the plan"))
    counts = Counter(ref for ref, _ in rows)
    problems += [
        Problem(ref, "ref", f"Evidence item {ref} is in the plan more than once")
        for ref, n in counts.items()
        if n > 1
    ]
    return problems


def submission_blockers(problems: list[Problem], sign_off_current: bool, has_sign_off: bool) -> list[Problem]:
    """The plan's problems plus any missing or out-of-date sign-off."""
    blockers = list(problems)
    if not has_sign_off:
        blockers.append(Problem("", "sign_off", "Record the SIRO or board sign-off"))
    elif not sign_off_current:
        blockers.append(
            Problem(
                "",
                "sign_off",
                "The sign-off is out of date because the plan changed: ask your signatory to sign off again",
            )
        )
    return blockers
