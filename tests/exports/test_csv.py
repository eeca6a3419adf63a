"""CSV export: BOM, the spreadsheet's columns, UK dates and formula safety."""

import csv
import io

from sample import make_snapshot

from dspt_portal.exports.csv_export import export_plan_csv
from dspt_portal.exports.xlsx import COLUMNS


def read(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_columns_rows_and_dates():
    snapshot = make_snapshot(12)
    rows = read(export_plan_csv(snapshot))
    assert rows[0] == [header for _key, header, _width in COLUMNS]
    assert len(rows) == 13
    first, source = dict(zip(rows[0], rows[1], strict=True)), snapshot["rows"][0]
    assert first["Evidence item reference"] == source["ref"]
    assert first["Target completion date"] == "31/01/2024"
    assert first["Milestones"] == (
        "02/12/2023 – Draft reviewed by the IG lead\n17/01/2024 – Approved at IG Steering Group"
    )
    assert first["Partial response"] == "No" and first["COVID impacted"] == ""
    assert dict(zip(rows[0], rows[2], strict=True))["COVID impacted"] == "Yes"


def test_formulas_are_neutralised():
    snapshot = make_snapshot(3)
    snapshot["rows"][0]["actions"] = '=HYPERLINK("http://example.com","x")'
    snapshot["rows"][1]["owner"] = "@SUM(1+1)"
    snapshot["rows"][2]["current_position"] = "\t=cmd"
    rows = read(export_plan_csv(snapshot))
    header = rows[0]
    assert rows[1][header.index("Actions required")] == '\'=HYPERLINK("http://example.com","x")'
    assert rows[2][header.index("Action owner")] == "'@SUM(1+1)"
    assert rows[3][header.index("Current position / gap")] == "'\t=cmd"
    for row in rows[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row


def test_non_ascii_survives():
    snapshot = make_snapshot(1)
    snapshot["rows"][0]["owner"] = "Zoë Ó Briain – Head of IG"
    assert read(export_plan_csv(snapshot))[1][7] == "Zoë Ó Briain – Head of IG"
