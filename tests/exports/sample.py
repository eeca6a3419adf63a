"""Test fixture builder: a realistic plan snapshot (docs/snapshot-format.md)."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date, timedelta

STANDARD_TITLES = {
    1: "Personal Confidential Data",
    2: "Staff Responsibilities",
    3: "Training",
    4: "Managing Data Access",
    5: "Process Reviews",
    6: "Responding to Incidents",
    7: "Continuity Planning",
    8: "Unsupported Systems",
    9: "IT Protection",
    10: "Accountable Suppliers",
}

# Question texts from the public DSPT 2022-23 catalogue (Crown copyright, OGL v3.0).
TEXTS = [
    "When did your organisation last review both the list of all systems/information assets "
    "holding or sharing personal information and data flows?",
    "Your business has identified, documented and classified its hardware and software assets "
    "and assigned ownership of protection responsibilities.",
    "Have at least 95% of all staff, completed their annual Data Security Awareness Training "
    "in the period 1 July to 30 June?",
    "Is there a reliable record of the data security and protection training undertaken by "
    "staff in the organisation?",
    "The organisation maintains a current record of privileged access users and reviews it "
    "at least annually.",
    "Are all infrastructure components, including software and devices, supported by the "
    "supplier and receiving security updates?",
    "You have a documented plan for how you will respond to a cyber incident, including who "
    "you will contact and how.",
    "All remote access is authenticated with multi-factor authentication.",
]

ACTIONS = [
    "Review the information asset register with each asset owner.\nPresent the updated "
    "register and data flow map to the IG Steering Group for approval.",
    "Procure and configure an endpoint management tool; run a discovery scan across all sites "
    "and reconcile the results with the asset register.",
    "Targeted reminders to teams below 95%; monthly compliance report to directors.",
    "Replace the remaining Windows Server 2012 hosts (14) and retire the legacy PAS interface.",
]


def _ref_list(rows: int) -> list[tuple[int, str, str]]:
    """(standard, assertion, ref) in snapshot order, spread over the ten standards."""
    per_standard = -(-rows // 10)
    refs = []
    for standard in range(1, 11):
        for index in range(per_standard):
            assertion = f"{standard}.{index // 4 + 1}"
            refs.append((standard, assertion, f"{assertion}.{index % 4 + 1}"))
    return refs[:rows]


def make_row(standard: int, assertion: str, ref: str, index: int) -> dict:
    """One plan row with varied but deterministic content."""
    completion = date(2024, 1, 31) + timedelta(days=7 * (index % 20))
    covid = ("", "yes", "no")[index % 3]
    return {
        "ref": ref,
        "standard": standard,
        "standard_title": STANDARD_TITLES[standard],
        "assertion": assertion,
        "text": TEXTS[index % len(TEXTS)],
        "partial": index % 4 == 1,
        "current_position": (
            f"Partly in place: reviewed for {40 + index % 50}% of systems. "
            "The remaining clinical systems have no named asset owner."
        ),
        "actions": ACTIONS[index % len(ACTIONS)],
        "milestones": [
            {
                "date": (completion - timedelta(days=60)).isoformat(),
                "description": "Draft reviewed by the IG lead",
            },
            {
                "date": (completion - timedelta(days=14)).isoformat(),
                "description": "Approved at IG Steering Group",
            },
        ],
        "completion_date": completion.isoformat(),
        "owner": ("Jo Bloggs, Head of IG", "Priya Shah, CISO", "Alex Moyo, Deputy SIRO")[index % 3],
        "covid_impact": covid,
        "covid_note": "Staff redeployed to vaccination hubs until March." if covid == "yes" else "",
        "exceptional_circumstances": (
            "Supplier end-of-life replacement cannot complete before the national deadline."
            if index % 10 == 7
            else ""
        ),
        "progress_status": "",
        "actual_completion_date": None,
        "progress_note": "",
    }


def content_hash(snapshot: dict) -> str:
    material = {key: snapshot[key] for key in ("rows",)}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def make_snapshot(rows: int = 30, draft: bool = True) -> dict:
    """A plan snapshot for an ICB with ``rows`` rows; signed off (current) unless ``draft``."""
    plan_rows = [make_row(*item, index) for index, item in enumerate(_ref_list(rows))]
    snapshot = {
        "format": 1,
        "plan": {
            "id": 12,
            "reference": "IP-2022-23-QXX-12",
            "version": 3,
            "state": "draft" if draft else "submitted",
            "toolkit_status": "Standards Not Met",
            "content_hash": "",
        },
        "toolkit_year": {"label": "2022-23", "version": 5, "latest_completion_date": "2024-06-30"},
        "organisation": {
            "ods_code": "QXX",
            "name": "NHS Northshire Integrated Care Board",
            "type": "ICB",
            "region": "North East and Yorkshire",
        },
        "sign_off": None,
        "rows": plan_rows,
        "generated_at": "2023-07-11T09:31:00+00:00",
    }
    snapshot["plan"]["content_hash"] = content_hash(snapshot)
    if not draft:
        snapshot["sign_off"] = {
            "name": "Sam Patel",
            "role": "SIRO",
            "board": "Audit and Governance Committee",
            "meeting_date": "2023-07-10",
            "minute_reference": "AGC/23/041",
            "signed_at": "2023-07-11T09:30:00+00:00",
            "content_hash": snapshot["plan"]["content_hash"],
            "current": True,
        }
    return snapshot


def with_progress(snapshot: dict) -> dict:
    """A copy of ``snapshot`` with progress recorded on some rows."""
    snapshot = copy.deepcopy(snapshot)
    for index, row in enumerate(snapshot["rows"]):
        row["progress_status"] = ("not_started", "in_progress", "complete")[index % 3]
        if row["progress_status"] == "complete":
            row["actual_completion_date"] = "2023-11-30"
        row["progress_note"] = f"Update {index}: on track."
    return snapshot
