"""Compare a plan's current rows with rows read from an uploaded spreadsheet (the preview
shown before an import is applied)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..domain.hashing import MATERIAL_ROW_FIELDS

# The fields an import may change: the material ones a signatory signs off. The evidence item's
# text comes from the catalogue, and progress is recorded on the progress page once a plan is
# agreed (when the plan itself can no longer be imported into), so neither is read from a file.
MATERIAL_FIELDS = tuple(f for f in MATERIAL_ROW_FIELDS if f != "ref")

Kind = Literal["added", "changed", "unchanged", "not_in_file"]


@dataclass
class RowChange:
    ref: str
    kind: Kind
    fields: dict[str, tuple] = field(default_factory=dict)  # name -> (before, after)


def _normalise(name: str, value):
    """Compare like with like: None and "" are the same, text is stripped, dates are ISO."""
    if name == "partial":
        return bool(value)
    if name == "milestones":
        return tuple(((m.get("date") or None), (m.get("description") or "").strip()) for m in value or ())
    if value is None:
        return ""
    return str(value).strip()


def compare(current_rows: list[dict], imported_rows: list[dict]) -> list[RowChange]:
    """One RowChange per row: the plan's rows in order, then rows only in the file.

    Only fields present in an imported row are compared, so a file without (say) the progress
    columns does not count as clearing them.
    """
    imported = {row["ref"]: row for row in imported_rows}
    changes = []
    for row in current_rows:
        new = imported.get(row["ref"])
        if new is None:
            changes.append(RowChange(row["ref"], "not_in_file"))
            continue
        diff = {
            name: (row.get(name), new[name])
            for name in MATERIAL_FIELDS
            if name in new and _normalise(name, row.get(name)) != _normalise(name, new[name])
        }
        changes.append(RowChange(row["ref"], "changed" if diff else "unchanged", diff))
    current_refs = {row["ref"] for row in current_rows}
    for row in imported_rows:
        if row["ref"] not in current_refs:
            fields = {name: (None, row[name]) for name in MATERIAL_FIELDS if name in row}
            changes.append(RowChange(row["ref"], "added", fields))
    return changes
