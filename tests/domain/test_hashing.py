import copy
from datetime import date

from dspt_portal.domain.hashing import content_hash


def _row(ref, **changes):
    row = {
        "ref": ref,
        "partial": False,
        "current_position": "No review since 2021",
        "actions": "Review the asset register and data flows",
        "milestones": [{"date": "2024-01-31", "description": "Draft policy"}],
        "completion_date": "2024-03-31",
        "owner": "Jo Bloggs",
        "covid_impact": "",
        "covid_note": "",
        "exceptional_circumstances": "",
        "progress_status": "",
        "actual_completion_date": None,
        "progress_note": "",
    }
    row.update(changes)
    return row


ROWS = [_row("1.1.4"), _row("1.1.10"), _row("9.4.6")]


def test_is_sha256_hex():
    h = content_hash(ROWS)
    assert len(h) == 64
    assert int(h, 16) >= 0


def test_row_order_does_not_matter():
    assert content_hash(ROWS) == content_hash(list(reversed(ROWS)))


def test_progress_and_timestamps_do_not_matter():
    changed = [
        _row("1.1.4", progress_status="complete", progress_note="Done", updated_at="x"),
        *ROWS[1:],
    ]
    assert content_hash(changed) == content_hash(ROWS)


def test_milestone_ids_do_not_matter_but_order_does():
    with_ids = copy.deepcopy(ROWS)
    with_ids[0]["milestones"][0]["id"] = 7
    assert content_hash(with_ids) == content_hash(ROWS)
    two = [
        {"date": "2024-01-31", "description": "A"},
        {"date": "2024-02-28", "description": "B"},
    ]
    assert content_hash([_row("1.1.4", milestones=two)]) != content_hash(
        [_row("1.1.4", milestones=two[::-1])]
    )


def test_dates_as_objects_or_iso_strings_hash_alike():
    as_objects = [_row("1.1.4", completion_date=date(2024, 3, 31))]
    assert content_hash(as_objects) == content_hash([_row("1.1.4")])


def test_every_material_field_changes_the_hash():
    base = content_hash(ROWS)
    for field, value in [
        ("ref", "1.1.5"),
        ("partial", True),
        ("current_position", "Different"),
        ("actions", "Different actions entirely"),
        ("milestones", []),
        ("completion_date", "2024-04-01"),
        ("owner", "Sam"),
        ("covid_impact", "yes"),
        ("covid_note", "Staff redeployed"),
        ("exceptional_circumstances", "Supplier delay"),
    ]:
        changed = [{**ROWS[0], field: value}, *ROWS[1:]]
        assert content_hash(changed) != base, field


def test_duplicate_refs_still_order_independent():
    a, b = _row("1.1.4", owner="A"), _row("1.1.4", owner="B")
    assert content_hash([a, b]) == content_hash([b, a])


def test_empty_plan():
    assert content_hash([]) != content_hash(ROWS)
