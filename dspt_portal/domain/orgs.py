"""Organisation types, ODS codes and where each type's plans are reviewed."""

from __future__ import annotations

import re

ORG_TYPES = (
    "NHS Trust",
    "Foundation Trust",
    "ICB",
    "CSU",
    "Local Authority",
    "Arm's Length Body",
)
# Operators of Essential Services under the NIS Regulations 2018: shown to reviewers.
OES_TYPES = frozenset({"NHS Trust", "Foundation Trust", "ICB"})
# Local Authorities and ALBs need not contact their RSL, so they go to the national queue.
REGIONAL_TYPES = frozenset({"NHS Trust", "Foundation Trust", "ICB", "CSU"})

ODS_CODE_MESSAGE = "Enter an ODS code of 3 to 5 letters and numbers, like RXX or X26"
_ODS = re.compile(r"^[A-Z0-9]{3,5}$")


def normalise_ods_code(text: str) -> str:
    """Return the ODS code upper-cased and stripped, or raise ValueError."""
    code = (text or "").strip().upper()
    if not _ODS.match(code):
        raise ValueError(ODS_CODE_MESSAGE)
    return code


def routes_to_region(org_type: str) -> bool:
    """True when the type's plans go to its region's reviewers, not the national queue."""
    return org_type in REGIONAL_TYPES


def is_oes(org_type: str) -> bool:
    """True for Operators of Essential Services."""
    return org_type in OES_TYPES
