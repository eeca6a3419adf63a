"""The import preview's row comparison."""

import copy

from sample import make_snapshot

from dspt_portal.exports.import_preview import compare


def test_identical_rows_are_unchanged():
    rows = make_snapshot(5)["rows"]
    assert {change.kind for change in compare(rows, copy.deepcopy(rows))} == {"unchanged"}


def test_kinds_and_fields():
    rows = make_snapshot(4)["rows"]
    imported = copy.deepcopy(rows[1:])
    imported[0]["owner"] = "Someone Else"
    imported[1]["milestones"] = [{"date": "2024-01-01", "description": "New"}]
    imported.append({"ref": "10.9.9", "actions": "New row", "owner": "Jo"})
    changes = compare(rows, imported)
    assert [(c.ref, c.kind) for c in changes] == [
        (rows[0]["ref"], "not_in_file"),
        (rows[1]["ref"], "changed"),
        (rows[2]["ref"], "changed"),
        (rows[3]["ref"], "unchanged"),
        ("10.9.9", "added"),
    ]
    assert changes[1].fields == {"owner": (rows[1]["owner"], "Someone Else")}
    assert list(changes[2].fields) == ["milestones"]
    assert changes[4].fields == {"actions": (None, "New row"), "owner": (None, "Jo")}


def test_blank_and_none_and_whitespace_are_equal():
    rows = make_snapshot(1)["rows"]
    imported = copy.deepcopy(rows)
    rows[0]["covid_note"] = None
    imported[0]["covid_note"] = ""
    imported[0]["owner"] = rows[0]["owner"] + "  "
    assert compare(rows, imported)[0].kind == "unchanged"


def test_columns_missing_from_the_file_are_not_changes():
    rows = make_snapshot(2)["rows"]
    imported = [{"ref": row["ref"], "actions": row["actions"]} for row in rows]
    assert {change.kind for change in compare(rows, imported)} == {"unchanged"}
