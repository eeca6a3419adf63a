"""Export a plan to an Excel workbook and read an edited workbook back.

The export is the file organisations edit offline: protected so only the plan's editable
columns are unlocked (a deterrent, not security), with drop-downs, real dates and a Guidance
sheet. The import accepts that file and the DSPT's own template (header names vary), and refuses
anything suspicious with a message rather than an exception.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ._common import (
    PROGRESS_LABELS,
    YES_NO,
    milestone_line,
    parse_datetime,
    parse_iso_date,
    parse_user_date,
)
from .safety import neutralise, restore

SHEET_TITLE = "Improvement plan"
GUIDANCE_TITLE = "Guidance"
DATE_FORMAT = "DD/MM/YYYY"

# (row key, header, width in characters). The order is the spreadsheet's column order.
COLUMNS: list[tuple[str, str, int]] = [
    ("ref", "Evidence item reference", 13),
    ("text", "Evidence item text", 45),
    ("partial", "Partial response", 11),
    ("current_position", "Current position / gap", 40),
    ("actions", "Actions required", 45),
    ("milestones", "Milestones", 40),
    ("completion_date", "Target completion date", 14),
    ("owner", "Action owner", 22),
    ("covid_impact", "COVID impacted", 11),
    ("covid_note", "COVID impact note", 30),
    ("exceptional_circumstances", "Exceptional circumstances", 35),
    ("progress_status", "Progress status", 14),
    ("progress_note", "Progress update", 40),
]
LOCKED_KEYS = {"ref", "text"}
HEADER_ROW = 5  # the table's header row in the exported sheet (rows 1-4 describe the plan)

GUIDANCE = {
    "ref": "The DSPT evidence item this row is about. Do not change it: it links the row to the plan.",
    "text": "The evidence item's wording from the toolkit, for reference. Changes are ignored.",
    "partial": "Yes if the item was answered only partially in the toolkit; otherwise No.",
    "current_position": "Where the organisation is now, and the gap to meeting the item.",
    "actions": "What will be done to meet the item.",
    "milestones": "The steps towards the completion date, one per line, each starting with its "
    "date: for example 31/01/2024 – Draft policy reviewed.",
    "completion_date": "The date by which the item will be met, as DD/MM/YYYY. It must be on "
    "or before the latest completion date for the toolkit year unless exceptional "
    "circumstances are agreed.",
    "owner": "The person responsible for the actions (name and role).",
    "covid_impact": "Optional: Yes if COVID-19 affected meeting this item, No if not. Leave "
    "blank if not stated.",
    "covid_note": "Optional: how COVID-19 affected it.",
    "exceptional_circumstances": "Only when the completion date is after the year's latest "
    "completion date: why. NHS England decides whether to accept it.",
    "progress_status": "For progress updates: Not started, In progress or Complete.",
    "progress_note": "For progress updates: what has happened since the last update.",
}
SAFETY_NOTE = (
    "Text that starts with =, +, -, @, a tab or a carriage return is shown with an apostrophe "
    "in front ('=...) so that spreadsheet programs treat it as text, never as a formula. The "
    "portal removes the apostrophe again when the file is imported. Do not type formulas: the "
    "import refuses cells containing them."
)

PROGRESS_FROM_LABEL = {label.lower(): key for key, label in PROGRESS_LABELS.items()}
PROGRESS_FROM_LABEL.update({"completed": "complete", "not started yet": "not_started"})


# --------------------------------------------------------------------------- export


def _text(value) -> str:
    if value in (None, ""):
        return None
    # Control characters (a vertical tab pasted from Word, an escape) cannot be stored in a
    # worksheet: openpyxl refuses the whole file, so drop them rather than fail the download.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _cell_value(key: str, row: dict):
    value = row.get(key)
    if key == "partial":
        return "Yes" if value else "No"
    if key == "covid_impact":
        return YES_NO.get(value or "")
    if key == "progress_status":
        return PROGRESS_LABELS.get(value or "")
    if key == "completion_date":
        return parse_iso_date(value)
    if key == "milestones":
        return _text("\n".join(milestone_line(m) for m in value or []))
    return _text(value)


def export_plan_xlsx(snapshot: dict) -> bytes:
    """The plan as an .xlsx workbook (sheet "Improvement plan" plus "Guidance")."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    plan, org, year = snapshot["plan"], snapshot["organisation"], snapshot["toolkit_year"]
    rows = snapshot.get("rows") or []

    bold = Font(bold=True)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    ws["A1"] = "DSPT improvement plan"
    ws["A1"].font = Font(bold=True, size=14)
    generated = parse_datetime(snapshot.get("generated_at"))
    block = [
        (2, [("Organisation", _text(org["name"])), ("ODS code", _text(org["ods_code"])),
             ("Toolkit year", _text(year["label"]))]),
        (3, [("Plan reference", _text(plan["reference"])), ("Plan version", plan["version"]),
             ("Generated", generated.replace(tzinfo=None) if generated else None)]),
    ]  # fmt: skip
    for row_number, pairs in block:
        for index, (label, value) in enumerate(pairs):
            label_cell = ws.cell(row_number, 1 + index * 2, label)
            label_cell.font = bold
            ws.cell(row_number, 2 + index * 2, value).alignment = Alignment(horizontal="left")
    ws["F3"].number_format = "DD/MM/YYYY HH:MM"
    ws["A4"] = "Edit the unlocked columns only; type dates as DD/MM/YYYY. See the Guidance sheet."
    ws["A4"].font = Font(italic=True)

    header_fill = PatternFill("solid", fgColor="E8EDEE")
    for col, (_key, header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = wrap_top
        ws.column_dimensions[get_column_letter(col)].width = width

    editable = [col for col, (key, _h, _w) in enumerate(COLUMNS, 1) if key not in LOCKED_KEYS]
    date_col = _col("completion_date")
    for row_number, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, (key, _header, _width) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row_number, col, _cell_value(key, row))
            cell.alignment = wrap_top
        ws.cell(row_number, date_col).number_format = DATE_FORMAT
        for col in editable:
            ws.cell(row_number, col).protection = unlocked

    last = HEADER_ROW + max(len(rows), 1)
    _add_validations(ws, last)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    ws.row_dimensions[HEADER_ROW].height = 30
    protection = ws.protection
    protection.sheet = True
    protection.autoFilter = False  # False = allowed while protected
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    _add_guidance(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _col(key: str) -> int:
    return next(i for i, (k, _h, _w) in enumerate(COLUMNS, 1) if k == key)


def _add_validations(ws, last: int) -> None:
    def column_range(key: str) -> str:
        letter = get_column_letter(_col(key))
        return f"{letter}{HEADER_ROW + 1}:{letter}{last}"

    yes_no = DataValidation(
        type="list", formula1='"Yes,No"', allow_blank=True, showErrorMessage=True,
        errorTitle="Yes or No", error="Choose Yes or No (or leave it blank).",
    )  # fmt: skip
    yes_no.add(column_range("partial"))
    yes_no.add(column_range("covid_impact"))
    progress = DataValidation(
        type="list", formula1='"' + ",".join(PROGRESS_LABELS.values()) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="Progress status",
        error="Choose Not started, In progress or Complete.",
    )  # fmt: skip
    progress.add(column_range("progress_status"))
    dates = DataValidation(
        type="date", operator="greaterThan", formula1="36526", allow_blank=True,
        showErrorMessage=True, errorTitle="Target completion date",
        error="Enter a date as DD/MM/YYYY.",
    )  # fmt: skip
    dates.add(column_range("completion_date"))
    for validation in (yes_no, progress, dates):
        ws.add_data_validation(validation)


def _add_guidance(wb: Workbook) -> None:
    ws = wb.create_sheet(GUIDANCE_TITLE)
    ws["A1"] = "How to fill in the improvement plan"
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(["Column", "What to enter"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for key, header, _width in COLUMNS:
        ws.append([header, GUIDANCE[key]])
    ws.append([])
    ws.append(["Text starting with = + - @", SAFETY_NOTE])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------- import


@dataclass
class ImportProblem:
    """Something wrong with the uploaded file; ``row`` is the spreadsheet's own row number."""

    row: int | None
    column: str | None
    message: str


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


MSG_NOT_XLSX = "The file must be an Excel .xlsx spreadsheet"
MSG_MACROS = "The file contains macros: save it as an .xlsx workbook without macros"
MSG_EMPTY = "The file is empty"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_RATIO = 100  # uncompressed / compressed, per member, above 1 MB: a zip bomb
MAX_MEMBERS = 2_000
HEADER_SEARCH_ROWS = 30


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


# Header aliases (normalised: lower case, letters and digits only) -> row key.
ALIASES: dict[str, str] = {}
for _key, _aliases in {
    "ref": ["Evidence item reference", "Evidence item ref", "Evidence item", "Evidence item no",
            "Evidence item number", "Evidence ref", "Evidence reference", "Reference", "Ref",
            "Item reference", "Item ref"],
    "text": ["Evidence item text", "Evidence text", "Evidence item description",
             "Evidence item title", "Description", "Requirement", "Question"],
    "partial": ["Partial response", "Partial", "Partially met", "Partial answer"],
    "current_position": ["Current position / gap", "Current position", "Current position gap",
                         "Gap", "Gap analysis", "Current status", "Current position and gap"],
    "actions": ["Actions required", "Actions", "Action", "Actions to be taken",
                "Action required", "Planned actions", "Actions planned"],
    "milestones": ["Milestones", "Milestone", "Key milestones", "Milestones and dates"],
    "completion_date": ["Target completion date", "Target date", "Completion date",
                        "Target completion", "Expected completion date", "Date for completion",
                        "Planned completion date", "Due date"],
    "owner": ["Action owner", "Owner", "Responsible owner", "Lead", "Action lead",
              "Responsible person"],
    "covid_impact": ["COVID impacted", "COVID impact", "COVID-19 impact", "COVID-19 impacted",
                     "Impacted by COVID", "Impacted by COVID-19", "COVID"],
    "covid_note": ["COVID impact note", "COVID note", "COVID-19 impact note",
                   "COVID impact details", "COVID comments"],
    "exceptional_circumstances": ["Exceptional circumstances",
                                  "Exceptional circumstances justification",
                                  "Justification for exceptional circumstances",
                                  "Exceptional circumstance"],
    "progress_status": ["Progress status", "Status", "Progress", "RAG status"],
    "progress_note": ["Progress update", "Progress note", "Progress notes", "Update",
                      "Progress comments", "Comments on progress"],
}.items():  # fmt: skip
    for _alias in _aliases:
        ALIASES[_norm(_alias)] = _key
HEADERS = {key: header for key, header, _width in COLUMNS}


def _refuse(message: str) -> ImportResult:
    return ImportResult(problems=[ImportProblem(None, None, message)])


def check_package(data: bytes, max_bytes: int, max_uncompressed: int) -> str | None:
    """Why the raw file cannot be opened safely (None when it can)."""
    if not data:
        return MSG_EMPTY
    if len(data) > max_bytes:
        return (
            f"The file is {len(data) / 1_000_000:.1f} MB; the most it can be is {max_bytes / 1_000_000:g} MB"
        )
    if data.startswith(OLE_MAGIC):
        return MSG_NOT_XLSX + " (this looks like an old .xls file or an encrypted workbook)"
    if not data.startswith(ZIP_MAGIC):
        return MSG_NOT_XLSX
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return MSG_NOT_XLSX
    with archive:
        names = {info.filename.lower() for info in members}
        if len(members) > MAX_MEMBERS:
            return MSG_NOT_XLSX
        if any(name.endswith("vbaproject.bin") for name in names):
            return MSG_MACROS
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            return MSG_NOT_XLSX
        total = sum(info.file_size for info in members)
        suspicious = any(
            info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            for info in members
        )
        if total > max_uncompressed or suspicious:
            return (
                "The spreadsheet is too large when unpacked: remove unused rows, columns and "
                "images, or split it"
            )
        try:
            content_types = archive.read("[Content_Types].xml")
        # zipfile raises NotImplementedError for compression methods it cannot read, and
        # RuntimeError for encrypted members: either way this is not a workbook we can open.
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
            return MSG_NOT_XLSX
        lowered = content_types.lower()
        if b"macroenabled" in lowered or b"vbaproject" in lowered:
            return MSG_MACROS
    return None


def _find_sheet(wb):
    if SHEET_TITLE in wb.sheetnames:
        return wb[SHEET_TITLE]
    return wb.worksheets[0] if wb.worksheets else None


def _merged_ranges(wb, ws, header_row: int) -> list[str]:
    """Merged ranges touching the table (on or below the header row)."""
    ranges = []
    try:  # read-only sheets do not expose merges: read them from the sheet's XML
        xml = wb._archive.read(ws._worksheet_path)
    except Exception:  # openpyxl internals changed: fall back to not checking merges
        return ranges
    for ref in re.findall(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"', xml):
        ref = ref.decode()
        rows = [int(n) for n in re.findall(r"\d+", ref)]
        if max(rows) >= header_row:
            ranges.append(ref)
    return ranges


def read_plan_xlsx(
    data: bytes,
    *,
    known_refs: set[str],
    max_bytes: int = 5_000_000,
    max_rows: int = 1000,
    max_uncompressed: int = 50_000_000,
) -> ImportResult:
    """Read an edited plan workbook into snapshot-style row dicts, with every problem found.

    Only keys for columns present in the file are set on each row. Never raises on bad input.
    """
    if reason := check_package(data, max_bytes, max_uncompressed):
        return _refuse(reason)
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many exception types for broken files
        return _refuse(MSG_NOT_XLSX)
    try:
        return _read_workbook(wb, known_refs=known_refs, max_rows=max_rows)
    except Exception:  # a malformed sheet must not become a server error
        return _refuse("The spreadsheet could not be read: save it again as .xlsx and retry")
    finally:
        wb.close()


def _read_workbook(wb, *, known_refs: set[str], max_rows: int) -> ImportResult:
    ws = _find_sheet(wb)
    if ws is None:
        return _refuse("The spreadsheet has no sheets")
    result = ImportResult()
    ws.reset_dimensions()  # a stale <dimension> must not hide rows
    # Read-only rows come consecutively from row 1; blank cells have no coordinates.
    rows_iter = enumerate(ws.iter_rows(min_row=1, min_col=1), start=1)
    header_row, columns = None, {}
    for row_number, cells in rows_iter:
        found = {}
        for col, cell in enumerate(cells, start=1):
            if isinstance(cell.value, str) and (key := ALIASES.get(_norm(cell.value))):
                found.setdefault(key, col)
        if "ref" in found and len(found) >= 2 or len(found) >= 3:
            header_row, columns = row_number, found
            used = set(columns.values())
            result.ignored_columns = [
                str(cell.value).strip()
                for col, cell in enumerate(cells, start=1)
                if cell.value not in (None, "") and col not in used
            ]
            break
        if row_number >= HEADER_SEARCH_ROWS:
            break
    if header_row is None:
        return _refuse(
            f"Could not find the column headings: the sheet needs a '{HEADERS['ref']}' column "
            "and the other columns of the plan"
        )
    if "ref" not in columns:
        return _refuse(f"The spreadsheet has no '{HEADERS['ref']}' column")

    for ref in _merged_ranges(wb, ws, header_row):
        result.problems.append(
            ImportProblem(None, None, f"Cells {ref} are merged: unmerge them and try again")
        )

    seen: dict[str, int] = {}
    data_rows = 0
    for row_number, cells in rows_iter:
        values = {}
        for col, cell in enumerate(cells, start=1):
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                continue
            values[col] = cell
        if not values:
            continue
        data_rows += 1
        if data_rows > max_rows:
            continue  # keep counting so the message can say how many there are
        row = _read_row(row_number, values, columns, known_refs, seen, result.problems)
        if row is not None:
            result.rows.append(row)
    if data_rows > max_rows:
        return _refuse(f"The spreadsheet has {data_rows:,} rows; the most it can have is {max_rows:,}")
    if data_rows == 0:
        result.problems.append(ImportProblem(None, None, "The spreadsheet has no plan rows"))
    return result


def _read_row(row_number, values, columns, known_refs, seen, problems) -> dict | None:
    def problem(key, message):
        problems.append(ImportProblem(row_number, HEADERS[key], message))

    def header_label(key):
        return f"Row {row_number}, {HEADERS[key]}"

    # Formulas anywhere in the row's known columns are refused (never evaluated or stored).
    for key, col in columns.items():
        cell = values.get(col)
        if cell is not None and cell.data_type == "f":
            problem(key, f"{header_label(key)}: remove the formula and type the value")
    ref_cell = values.get(columns["ref"])
    if ref_cell is None:
        problem("ref", f"{header_label('ref')}: enter the evidence item reference")
        return None
    if ref_cell.data_type == "f":
        return None
    ref = restore(str(ref_cell.value).strip())
    if ref not in known_refs:
        problem("ref", f"{header_label('ref')}: {ref} is not an evidence item in this plan")
        return None
    if ref in seen:
        problem("ref", f"{header_label('ref')}: {ref} is also on row {seen[ref]}")
        return None
    seen[ref] = row_number

    row = {"ref": ref}
    for key, col in columns.items():
        if key in ("ref", "text"):
            continue
        cell = values.get(col)
        if cell is not None and cell.data_type == "f":
            continue
        value = cell.value if cell is not None else None
        try:
            row[key] = _convert(key, value)
        except ValueError as error:
            problem(key, f"{header_label(key)}: {error}")
    return row


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return restore(str(value).strip()).strip() if str(value).strip() else ""


def _convert(key: str, value):
    if key == "completion_date":
        parsed = _to_date(value)
        return parsed.isoformat() if parsed else None
    text = _as_text(value)
    if key == "partial":
        if text.lower() in ("", "no", "n", "false"):
            return False
        if text.lower() in ("yes", "y", "true"):
            return True
        raise ValueError("choose Yes or No")
    if key == "covid_impact":
        if text.lower() in ("", "yes", "no"):
            return text.lower()
        if text.lower() in ("y", "n"):
            return {"y": "yes", "n": "no"}[text.lower()]
        raise ValueError("choose Yes or No, or leave it blank")
    if key == "progress_status":
        if not text:
            return ""
        if text.lower() in PROGRESS_FROM_LABEL:
            return PROGRESS_FROM_LABEL[text.lower()]
        raise ValueError("choose Not started, In progress or Complete")
    if key == "milestones":
        return _parse_milestones(text)
    return text


def _to_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (parsed := parse_user_date(restore(value.strip()))):
        return parsed
    raise ValueError(f"enter a date as DD/MM/YYYY (not {str(value).strip()[:40]!r})")


_MILESTONE = re.compile(r"^(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})\s*(?:[–—-]|:)?\s*(.*)$")


def _parse_milestones(text: str) -> list[dict]:
    milestones = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("•*").strip()
        if not line:
            continue
        if match := _MILESTONE.match(line):
            when = parse_user_date(match.group(1))
            if when is None:
                raise ValueError(f"line {number}: {match.group(1)} is not a date: use DD/MM/YYYY")
            milestones.append({"date": when.isoformat(), "description": match.group(2).strip()})
        elif line[:1].isdigit() and re.match(r"^\d{1,4}[/.-]", line):
            raise ValueError(f"line {number} should start with a date as DD/MM/YYYY")
        else:
            milestones.append({"date": None, "description": line})
    return milestones
