"""Export a plan as CSV: the spreadsheet's columns, UTF-8 with a BOM (so Excel detects the
encoding), dates as DD/MM/YYYY and every text cell neutralised against formula injection."""

from __future__ import annotations

import csv
import io

from ._common import PROGRESS_LABELS, YES_NO, milestone_line, uk_date
from .safety import neutralise
from .xlsx import COLUMNS


def _value(key: str, row: dict) -> str:
    value = row.get(key)
    if key == "partial":
        return "Yes" if value else "No"
    if key == "covid_impact":
        return YES_NO.get(value or "", "")
    if key == "progress_status":
        return PROGRESS_LABELS.get(value or "", "")
    if key == "completion_date":
        return uk_date(value)
    if key == "milestones":
        return neutralise("\n".join(milestone_line(m) for m in value or []))
    return neutralise("" if value is None else str(value))


def export_plan_csv(snapshot: dict) -> bytes:
    """The plan's rows as CSV bytes (header row, then one row per evidence item)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _key, header, _width in COLUMNS])
    for row in snapshot.get("rows") or []:
        writer.writerow([_value(key, row) for key, _header, _width in COLUMNS])
    return out.getvalue().encode("utf-8-sig")
