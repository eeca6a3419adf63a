"""Progress-update deadlines, reminders and escalations for agreed plans.

The rule, kept simple on purpose:
- Only due dates on or after the day the plan was agreed count.
- Due date D is satisfied by an update submitted after the previous counted due date (on or
  after the agreement day for the first) and no later than D's escalation date (D itself when
  the year has no escalation date). Each update satisfies at most one due date: the earliest it
  can, so a late update for September does not also count for December.
- A missed due date stops counting once a later due date is satisfied: the organisation has
  caught up and is no longer overdue.
- Overdue: the day after an unsatisfied D. Escalated: from D's escalation date, if unsatisfied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

REMINDER_LEAD_DAYS = 14


def _iso_dates(cell: str | None) -> tuple[date, ...]:
    """Parse a ';'-separated cell of ISO dates; blank gives ()."""
    return tuple(date.fromisoformat(part.strip()) for part in (cell or "").split(";") if part.strip())


def _one_date(cell: str | None) -> date | None:
    """Parse a single ISO date cell; blank gives None."""
    cell = (cell or "").strip()
    return date.fromisoformat(cell) if cell else None


@dataclass(frozen=True)
class YearDates:
    """A toolkit year's dates; escalation_dates[i] pairs with update_due_dates[i]."""

    label: str
    publication_deadline: date | None
    latest_completion_date: date | None
    update_due_dates: tuple[date, ...] = ()
    escalation_dates: tuple[date, ...] = ()

    def __post_init__(self):
        if len(self.escalation_dates) > len(self.update_due_dates):
            raise ValueError(f"{self.label} has more escalation dates than update due dates")
        for due, escalation in zip(self.update_due_dates, self.escalation_dates, strict=False):
            if escalation < due:
                raise ValueError(f"{self.label}: escalation date {escalation} is before its due date {due}")

    @classmethod
    def from_csv_row(cls, row: dict) -> YearDates:
        """Build from a toolkit-years.csv row (ISO dates, multi-valued cells ';'-separated)."""
        return cls(
            label=(row.get("toolkit_year") or "").strip(),
            publication_deadline=_one_date(row.get("publication_deadline")),
            latest_completion_date=_one_date(row.get("latest_completion_date")),
            update_due_dates=_iso_dates(row.get("update_due_dates")),
            escalation_dates=_iso_dates(row.get("update_escalation_dates")),
        )

    def escalation_for(self, index: int) -> date | None:
        """The escalation date paired with update_due_dates[index], if any."""
        return self.escalation_dates[index] if index < len(self.escalation_dates) else None


@dataclass
class ProgressStanding:
    """Where an agreed plan stands on progress updates today."""

    next_due: date | None
    overdue_since: date | None
    escalated_since: date | None

    @property
    def overdue(self) -> bool:
        """True when an update is late."""
        return self.overdue_since is not None

    @property
    def escalated(self) -> bool:
        """True when a late update has passed its escalation date."""
        return self.escalated_since is not None


def _outstanding(
    dates: YearDates, agreed_on: date, update_dates: list[date | datetime]
) -> list[tuple[date, date | None]]:
    """Unsatisfied (due, escalation) pairs after the last satisfied one, in date order."""
    counted = sorted(
        (d, dates.escalation_for(i)) for i, d in enumerate(dates.update_due_dates) if d >= agreed_on
    )
    # Callers may pass submission timestamps; only the day matters.
    unused = sorted(u.date() if isinstance(u, datetime) else u for u in update_dates)
    satisfied = []
    opens_after = agreed_on - timedelta(days=1)
    for due, escalation in counted:
        closes = escalation or due
        match = next((u for u in unused if opens_after < u <= closes), None)
        if match is not None:
            unused.remove(match)
        satisfied.append(match is not None)
        opens_after = due
    # Catching up: a missed due date no longer counts once a later one is satisfied.
    last_met = max((i for i, met in enumerate(satisfied) if met), default=-1)
    return counted[last_met + 1 :]


def progress_standing(
    dates: YearDates, agreed_on: date, update_dates: list[date], today: date
) -> ProgressStanding:
    """Next unsatisfied due date, and whether an update is overdue or escalated today."""
    outstanding = _outstanding(dates, agreed_on, update_dates)
    return ProgressStanding(
        next_due=next((due for due, _ in outstanding if due >= today), None),
        overdue_since=next((due for due, _ in outstanding if today > due), None),
        escalated_since=next((esc for _, esc in outstanding if esc and today >= esc), None),
    )


@dataclass(frozen=True)
class Notice:
    """A message that should have gone out; key is stable so the caller sends it once."""

    kind: Literal["reminder", "overdue", "escalation"]
    due: date
    key: str


def _notice(kind: Literal["reminder", "overdue", "escalation"], due: date) -> Notice:
    """A notice with its stable de-duplication key."""
    return Notice(kind, due, f"{kind}:{due.isoformat()}")


def notices_due(dates: YearDates, agreed_on: date, update_dates: list[date], today: date) -> list[Notice]:
    """Every notice that should have been sent by today; the caller de-duplicates by key."""
    notices = []
    for due, escalation in _outstanding(dates, agreed_on, update_dates):
        if due - timedelta(days=REMINDER_LEAD_DAYS) <= today <= due:
            notices.append(_notice("reminder", due))
        if today > due:
            notices.append(_notice("overdue", due))
        if escalation and today >= escalation:
            notices.append(_notice("escalation", due))
    return notices


def days_waiting(since: datetime | date, today: date) -> int:
    """Whole days since a date or datetime, never negative."""
    start = since.date() if isinstance(since, datetime) else since
    return max(0, (today - start).days)
