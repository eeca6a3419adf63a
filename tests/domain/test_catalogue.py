import csv
from pathlib import Path

import pytest

from dspt_portal.domain.catalogue import (
    CatalogueRow,
    missing_mandatory,
    parse_ref_list,
    ref_sort_key,
    validate_catalogue_rows,
)
from dspt_portal.domain.orgs import ORG_TYPES

KNOWN = {"1.1.4", "1.1.5", "1.1.10", "9.4.6"}
YEARS = {"2021-22", "2022-23"}


def test_ref_sort_key_is_numeric():
    refs = ["1.1.10", "10.1.1", "1.1.9", "2.1.1", "1.10.1"]
    assert sorted(refs, key=ref_sort_key) == [
        "1.1.9",
        "1.1.10",
        "1.10.1",
        "2.1.1",
        "10.1.1",
    ]


def test_parse_ref_list_separators_and_order():
    selection = parse_ref_list("9.4.6, 1.1.4;1.1.10\n 1.1.5\t", KNOWN, "2022-23")
    assert selection.ok
    assert selection.refs == ["9.4.6", "1.1.4", "1.1.10", "1.1.5"]
    assert selection.messages() == []


def test_parse_ref_list_normalises_leading_zeros():
    assert parse_ref_list("01.1.04", KNOWN, "2022-23").refs == ["1.1.4"]


def test_parse_ref_list_empty():
    selection = parse_ref_list("  ,; \n", KNOWN, "2022-23")
    assert selection.refs == []
    assert selection.ok


def test_parse_ref_list_problems():
    selection = parse_ref_list("1.1.4 9.9.9 abc 1.1.99 1.1.4 <script> 1.1.4 1.2", KNOWN, "2022-23")
    assert not selection.ok
    assert selection.refs == ["1.1.4"]
    assert selection.unknown == ["9.9.9", "1.1.99"]
    assert selection.duplicates == ["1.1.4"]
    assert selection.malformed == ["abc", "<script>", "1.2"]
    assert selection.messages() == [
        "These are not evidence item references: abc, <script>, 1.2",
        "These references are not in the 2022-23 catalogue: 9.9.9, 1.1.99",
        "These references are listed more than once: 1.1.4",
    ]


def test_missing_mandatory():
    mandatory = {"1.1.10", "1.1.4", "9.4.6", "1.1.9"}
    assert missing_mandatory({"1.1.4"}, mandatory) == ["1.1.9", "1.1.10", "9.4.6"]
    assert missing_mandatory(mandatory | {"2.1.1"}, mandatory) == []


def _csv_row(**changes):
    row = {
        "toolkit_year": "2022-23",
        "standard": "1",
        "standard_title": "Personal Confidential Data",
        "assertion": "1.1",
        "ref": "1.1.4",
        "text": "When did your organisation last review its data flows?",
        "mandatory": "yes",
    }
    row.update(changes)
    return row


def test_valid_catalogue_rows():
    rows, errors = validate_catalogue_rows(
        [
            _csv_row(),
            _csv_row(ref="1.1.5", mandatory="", org_types="ICB; Local Authority"),
            _csv_row(ref="1.1.6", mandatory="False", org_types="arm\u2019s length body"),
            _csv_row(standard="10", assertion="10.2", ref="10.2.1", mandatory="0"),
        ],
        YEARS,
    )
    assert errors == []
    assert rows[0] == CatalogueRow(
        toolkit_year="2022-23",
        standard=1,
        standard_title="Personal Confidential Data",
        assertion="1.1",
        ref="1.1.4",
        text="When did your organisation last review its data flows?",
        mandatory=True,
        org_types=ORG_TYPES,
    )
    assert rows[1].mandatory is None
    assert rows[1].org_types == ("ICB", "Local Authority")
    assert rows[2].mandatory is False
    assert rows[2].org_types == ("Arm's Length Body",)
    assert rows[3].standard == 10


def test_same_ref_in_different_years_is_fine():
    rows, errors = validate_catalogue_rows([_csv_row(), _csv_row(toolkit_year="2021-22")], YEARS)
    assert errors == []
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"toolkit_year": "2030-31"}, "Row 2: toolkit year “2030-31” is not set up"),
        ({"toolkit_year": ""}, "Row 2: enter the toolkit year"),
        ({"standard": "one"}, "Row 2: standard “one” must be a whole number, like 1"),
        ({"ref": "1.1"}, "Row 2: reference “1.1” must look like 1.3.5"),
        ({"ref": "1.2.4"}, "Row 2: reference 1.2.4 is not in assertion 1.1"),
        (
            {"assertion": "2.1", "ref": "2.1.4"},
            "Row 2: assertion 2.1 is not in standard 1",
        ),
        ({"assertion": "x"}, "Row 2: assertion “x” must look like 1.3"),
        ({"text": "  "}, "Row 2: enter the evidence item text"),
        (
            {"mandatory": "maybe"},
            "Row 2: mandatory must be yes, no or blank, not “maybe”",
        ),
    ],
)
def test_bad_catalogue_rows(changes, message):
    rows, errors = validate_catalogue_rows([_csv_row(**changes)], YEARS)
    assert rows == []
    assert errors == [message]


def test_unknown_org_type():
    _, errors = validate_catalogue_rows([_csv_row(org_types="ICB;GP practice")], YEARS)
    assert len(errors) == 1
    assert errors[0].startswith("Row 2: “GP practice” is not an organisation type")


def test_row_numbers_and_duplicates():
    _rows, errors = validate_catalogue_rows(
        [
            _csv_row(),
            _csv_row(ref="1.1.5"),
            _csv_row(text=""),
            _csv_row(mandatory="Y?"),
        ],
        YEARS,
    )
    assert errors == [
        "Row 4: enter the evidence item text",
        "Row 5: mandatory must be yes, no or blank, not “Y?”",
    ]
    _, errors = validate_catalogue_rows([_csv_row(), _csv_row(ref="1.1.5"), _csv_row()], YEARS)
    assert errors == ["Row 4: 1.1.4 for 2022-23 is already in row 2"]


def test_several_problems_in_one_row_are_all_reported():
    _, errors = validate_catalogue_rows([_csv_row(toolkit_year="1999", text="")], YEARS)
    assert errors == [
        "Row 2: toolkit year “1999” is not set up",
        "Row 2: enter the evidence item text",
    ]


def test_spreadsheet_number_cells():
    rows, errors = validate_catalogue_rows([_csv_row(standard="1.0", mandatory=1)], YEARS)
    assert errors == []
    assert rows[0].standard == 1
    assert rows[0].mandatory is True


def test_empty_file_and_missing_columns():
    assert validate_catalogue_rows([], YEARS) == (
        [],
        ["The file has no evidence items"],
    )
    row = _csv_row()
    del row["text"], row["mandatory"]
    assert validate_catalogue_rows([row], YEARS) == (
        [],
        ["The file is missing these columns: text, mandatory"],
    )


BUNDLED_CATALOGUE = Path(__file__).parents[2] / "dspt_portal/data/dspt-evidence-items.csv"


def test_the_bundled_catalogue_is_valid():  # it ships with the package: missing is a failure
    with BUNDLED_CATALOGUE.open(encoding="utf-8-sig", newline="") as f:
        dict_rows = list(csv.DictReader(f))
    rows, errors = validate_catalogue_rows(dict_rows, YEARS)
    assert errors == []
    assert sum(r.toolkit_year == "2022-23" for r in rows) == 131
    assert sum(r.toolkit_year == "2021-22" for r in rows) == 142
