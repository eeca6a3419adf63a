"""Small formatting helpers shared by the exports (dates, labels, column definitions)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    UK = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no tz database on this machine: show UTC rather than fail
    UK = UTC

PROGRESS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
}
YES_NO = {"yes": "Yes", "no": "No"}


def parse_iso_date(value: str | None) -> date | None:
    """ISO ``YYYY-MM-DD`` (the snapshot's format) to a date; None stays None."""
    if not value:
        return None
    return date.fromisoformat(value[:10])


def uk_date(value: str | date | None) -> str:
    """A snapshot date as DD/MM/YYYY ("" for None)."""
    if isinstance(value, str):
        value = parse_iso_date(value)
    return value.strftime("%d/%m/%Y") if value else ""


def parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def uk_datetime(value: str | None) -> str:
    """An ISO datetime as "11/07/2023 10:31" in UK local time."""
    moment = parse_datetime(value)
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")


def parse_user_date(text: str) -> date | None:
    """DD/MM/YYYY (also D/M/YYYY, with . or -) or ISO YYYY-MM-DD; None if not a valid date."""
    text = text.strip()
    if match := _UK_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def milestone_line(milestone: dict) -> str:
    """One milestone as "DD/MM/YYYY – description" (just the description when undated)."""
    when = uk_date(milestone.get("date"))
    description = (milestone.get("description") or "").strip()
    return f"{when} – {description}" if when else description
