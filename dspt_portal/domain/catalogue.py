"""Evidence-item references, reference lists typed by users, and catalogue imports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .orgs import ORG_TYPES

REF_PATTERN = r"^\d{1,2}\.\d{1,2}\.\d{1,2}$"
# re.ASCII: \d would otherwise accept digits from other scripts.
_REF = re.compile(REF_PATTERN, re.ASCII)
_ASSERTION = re.compile(r"^\d{1,2}\.\d{1,2}$", re.ASCII)
# Spreadsheets may give a whole-number cell as "1.0".
_STANDARD = re.compile(r"(\d{1,2})(?:\.0)?", re.ASCII)
_SEPARATORS = re.compile(r"[,;\s]+")

REQUIRED_COLUMNS = (
    "toolkit_year",
    "standard",
    "standard_title",
    "assertion",
    "ref",
    "text",
    "mandatory",
)
_MANDATORY_VALUES = {
    "yes": True,
    "true": True,
    "1": True,
    "no": False,
    "false": False,
    "0": False,
    "": None,
}
_ORG_TYPES_BY_KEY = {t.lower(): t for t in ORG_TYPES}


def ref_sort_key(ref: str) -> tuple[int, ...]:
    """Sort key so that 1.1.10 comes after 1.1.9."""
    return tuple(int(part) for part in ref.split("."))


def _normalise_ref(ref: str) -> str:
    """Drop leading zeros so 01.1.04 and 1.1.4 are the same item."""
    return ".".join(str(int(part)) for part in ref.split("."))


@dataclass
class RefSelection:
    """The result of reading a typed list of evidence-item references."""

    refs: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    year_label: str = ""

    @property
    def ok(self) -> bool:
        """True when every reference was valid, known and listed once."""
        return not (self.unknown or self.duplicates or self.malformed)

    def messages(self) -> list[str]:
        """Error messages for the user, one per kind of problem."""
        messages = []
        if self.malformed:
            messages.append(f"These are not evidence item references: {', '.join(self.malformed)}")
        if self.unknown:
            messages.append(
                f"These references are not in the {self.year_label} catalogue: {', '.join(self.unknown)}"
            )
        if self.duplicates:
            messages.append(f"These references are listed more than once: {', '.join(self.duplicates)}")
        return messages


def parse_ref_list(text: str, known_refs: set[str], year_label: str) -> RefSelection:
    """Split a pasted list of refs, keeping input order; refs holds the known ones once each."""
    selection = RefSelection(year_label=year_label)
    seen: set[str] = set()
    for token in _SEPARATORS.split(text or ""):
        if not token:
            continue
        if not _REF.fullmatch(token):
            selection.malformed.append(token)
            continue
        ref = _normalise_ref(token)
        if ref in seen:
            if ref not in selection.duplicates:
                selection.duplicates.append(ref)
            continue
        seen.add(ref)
        (selection.refs if ref in known_refs else selection.unknown).append(ref)
    return selection


def missing_mandatory(selected: set[str], mandatory_refs: set[str]) -> list[str]:
    """Mandatory refs not selected, in catalogue order."""
    return sorted(mandatory_refs - selected, key=ref_sort_key)


@dataclass
class CatalogueRow:
    """One validated evidence item from an imported catalogue."""

    toolkit_year: str
    standard: int
    standard_title: str
    assertion: str
    ref: str
    text: str
    mandatory: bool | None
    org_types: tuple[str, ...] = ORG_TYPES


def _row_problems(raw: dict, known_years: set[str]) -> tuple[CatalogueRow | None, list[str]]:
    """Validate one spreadsheet row; return the row (when valid) and its problems."""
    value = {k: "" if raw.get(k) is None else str(raw[k]).strip() for k in (*REQUIRED_COLUMNS, "org_types")}
    problems = []
    year, ref, assertion = value["toolkit_year"], value["ref"], value["assertion"]
    if year not in known_years:
        problems.append(f"toolkit year “{year}” is not set up" if year else "enter the toolkit year")
    standard_match = _STANDARD.fullmatch(value["standard"])
    standard = int(standard_match[1]) if standard_match else None
    if standard is None:
        problems.append(f"standard “{value['standard']}” must be a whole number, like 1")
    if not _ASSERTION.fullmatch(assertion):
        problems.append(f"assertion “{assertion}” must look like 1.3")
    elif standard is not None and not assertion.startswith(f"{standard}."):
        problems.append(f"assertion {assertion} is not in standard {standard}")
    if not _REF.fullmatch(ref):
        problems.append(f"reference “{ref}” must look like 1.3.5")
    elif _ASSERTION.fullmatch(assertion) and not ref.startswith(f"{assertion}."):
        problems.append(f"reference {ref} is not in assertion {assertion}")
    if not value["text"]:
        problems.append("enter the evidence item text")
    mandatory_key = value["mandatory"].lower()
    if mandatory_key not in _MANDATORY_VALUES:
        problems.append(f"mandatory must be yes, no or blank, not “{value['mandatory']}”")
    org_types = []
    for name in filter(None, (t.strip() for t in value["org_types"].split(";"))):
        # Spreadsheets often turn the apostrophe in "Arm's Length Body" into a curly one.
        canonical = _ORG_TYPES_BY_KEY.get(name.replace("\u2019", "'").lower())
        if canonical is None:
            problems.append(f"“{name}” is not an organisation type (use {', '.join(ORG_TYPES)})")
        else:
            org_types.append(canonical)
    if problems:
        return None, problems
    row = CatalogueRow(
        toolkit_year=year,
        standard=standard,
        standard_title=value["standard_title"],
        assertion=assertion,
        ref=ref,
        text=value["text"],
        mandatory=_MANDATORY_VALUES[mandatory_key],
        # Blank means every organisation type.
        org_types=tuple(dict.fromkeys(org_types)) or ORG_TYPES,
    )
    return row, []


def validate_catalogue_rows(
    dict_rows: list[dict], known_years: set[str]
) -> tuple[list[CatalogueRow], list[str]]:
    """Validate imported rows (e.g. from csv.DictReader); errors name the spreadsheet row."""
    if not dict_rows:
        return [], ["The file has no evidence items"]
    missing = [c for c in REQUIRED_COLUMNS if c not in dict_rows[0]]
    if missing:
        return [], [f"The file is missing these columns: {', '.join(missing)}"]
    rows: list[CatalogueRow] = []
    errors: list[str] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(dict_rows, start=2):  # row 1 is the header
        row, problems = _row_problems(raw, known_years)
        errors += [f"Row {number}: {problem}" for problem in problems]
        if row is None:
            continue
        key = (row.toolkit_year, row.ref)
        if key in first_seen:
            errors.append(
                f"Row {number}: {row.ref} for {row.toolkit_year} is already in row {first_seen[key]}"
            )
            continue
        first_seen[key] = number
        rows.append(row)
    return rows, errors
