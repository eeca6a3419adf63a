"""A fingerprint of a plan's material content, used to tell when a sign-off is stale."""

from __future__ import annotations

import hashlib
import json

MATERIAL_ROW_FIELDS = (
    "ref",
    "partial",
    "current_position",
    "actions",
    "milestones",
    "completion_date",
    "owner",
    "covid_impact",
    "covid_note",
    "exceptional_circumstances",
)


def _material(row: dict) -> dict:
    """The fields a signatory signed off, with None and "" treated alike."""
    material = {name: row.get(name) for name in MATERIAL_ROW_FIELDS}
    # Milestones may carry database ids or positions: only date and description matter.
    material["milestones"] = [
        {"date": m.get("date") or "", "description": m.get("description") or ""}
        for m in (row.get("milestones") or [])
    ]
    return {k: ("" if v is None else v) for k, v in material.items()}


def _canonical(value) -> str:
    """Canonical JSON; date objects become ISO strings like the snapshot's."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(rows: list[dict]) -> str:
    """sha256 hex of the material row fields, independent of row order."""
    material = sorted((_material(row) for row in rows), key=lambda r: (str(r["ref"]), _canonical(r)))
    return hashlib.sha256(_canonical(material).encode("utf-8")).hexdigest()
