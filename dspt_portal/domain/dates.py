"""Parsing and formatting of dates typed by users, in the NHS style."""

from __future__ import annotations

import re
from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# "jan", "january", and the common "sept" all map to a month number.
_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9

# re.ASCII: \d would otherwise accept digits from other scripts.
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d+)", re.ASCII | re.IGNORECASE)


class DateError(ValueError):
    """A date the user typed that we cannot accept; .message is shown to them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _is_number(text: str) -> bool:
    """True for plain ASCII digits (isdigit alone accepts superscripts int() rejects)."""
    return text.isascii() and text.isdigit()


def _build(day: int, month: int, year: str, label: str) -> date:
    """Make a date, turning impossible values into user-facing errors."""
    if len(year) != 4:
        raise DateError(f"{label} must include a 4-digit year, like 30/06/2024")
    try:
        return date(int(year), month, day)
    except ValueError:
        raise DateError(f"{label} must be a real date") from None


def parse_user_date(text: str, label: str) -> date | None:
    """Parse a typed date (30/06/2024, 2024-06-30 or 30 June 2024); empty gives None."""
    text = (text or "").strip()
    if not text:
        return None
    if m := _ISO.fullmatch(text):
        return _build(int(m[3]), int(m[2]), m[1], label)
    if m := _NUMERIC.fullmatch(text):
        return _build(int(m[1]), int(m[2]), m[3], label)
    if (m := _WORDS.fullmatch(text)) and m[2].lower() in _MONTHS:
        return _build(int(m[1]), _MONTHS[m[2].lower()], m[3], label)
    raise DateError(f"{label} must be a real date, like 30/06/2024")


def parse_date_parts(day: str, month: str, year: str, label: str) -> date | None:
    """Parse the NHS three-field date input; all empty gives None."""
    parts = {
        "day": (day or "").strip(),
        "month": (month or "").strip(),
        "year": (year or "").strip(),
    }
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == 3:
        return None
    if missing:
        raise DateError(f"{label} must include a {' and a '.join(missing)}")
    month_number = _MONTHS.get(parts["month"].lower())
    if month_number is None and _is_number(parts["month"]):
        month_number = int(parts["month"])
    if not _is_number(parts["day"]) or month_number is None or not _is_number(parts["year"]):
        raise DateError(f"{label} must be a real date")
    return _build(int(parts["day"]), month_number, parts["year"], label)


def format_date(d: date | None) -> str:
    """Format as 30/06/2024; None gives an empty string."""
    return d.strftime("%d/%m/%Y") if d else ""


def format_long(d: date | None) -> str:
    """Format as 30 June 2024 (no leading zero, locale-independent)."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}" if d else ""
