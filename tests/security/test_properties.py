"""Property-based tests (Hypothesis): no input crashes the parsers and validators that take what
people type or upload, and valid data survives a round trip unchanged."""

import io
import tempfile
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from openpyxl import Workbook

from dspt_portal.domain.dates import DateError, format_date, format_long, parse_date_parts, parse_user_date
from dspt_portal.domain.orgs import normalise_ods_code
from dspt_portal.domain.validation import MilestoneInput, RowCheck, RowInput, YearRules, validate_row
from dspt_portal.exports.xlsx import ALIASES, ImportResult, export_plan_xlsx, read_plan_xlsx
from tests.exports.sample import make_snapshot

# Modest and leaving no files behind: the suite stays fast and the working tree clean.
settings.register_profile(
    "portal", max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("portal")
set_hypothesis_home_dir(
    f"{tempfile.gettempdir()}/dspt-portal-hypothesis"
)  # its caches, outside the repository

# Typed text: anything, including control characters, NUL, surrogates-free unicode, odd spaces.
any_text = st.text(max_size=60)
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
date_like = st.one_of(
    any_text,
    st.builds(
        lambda d, sep, order: sep.join(order(d)),
        dates,
        st.sampled_from(["/", "-", ".", " / "]),
        st.sampled_from(
            [
                lambda d: [str(d.day), str(d.month), str(d.year)],
                lambda d: [str(d.year), str(d.month), str(d.day)],
            ]
        ),
    ),
    st.from_regex(r"\A\d{1,3}[/.-]\d{1,3}[/.-]\d{1,6}\Z"),
    st.from_regex(r"\A\d{1,2}(st|nd|rd|th)? [A-Za-z]{3,9}\.?,? \d{1,5}\Z"),
)


# --- Dates -----------------------------------------------------------------------------


@given(date_like)
def test_parse_user_date_returns_a_date_or_explains_never_crashes(text):
    try:
        parsed = parse_user_date(text, "Completion date")
    except DateError as error:
        assert error.message.startswith("Completion date must")
    else:
        assert parsed is None or isinstance(parsed, date)
        assert (parsed is None) == (not text.strip())


@given(any_text, any_text, any_text)
def test_parse_date_parts_never_crashes(day, month, year):
    try:
        parsed = parse_date_parts(day, month, year, "Meeting date")
    except DateError as error:
        assert error.message.startswith("Meeting date must")
    else:
        assert parsed is None or isinstance(parsed, date)


@given(dates)
def test_formatted_dates_parse_back_to_the_same_day(day):
    assert parse_user_date(format_date(day), "Date") == day
    assert parse_user_date(format_long(day), "Date") == day
    assert parse_user_date(day.isoformat(), "Date") == day
    assert parse_date_parts(str(day.day), str(day.month), str(day.year), "Date") == day


# --- The row validator ---------------------------------------------------------------------

rows = st.builds(
    RowInput,
    current_position=any_text,
    actions=st.one_of(any_text, st.text(min_size=4000, max_size=4100)),
    milestones=st.lists(st.builds(MilestoneInput, any_text, date_like), max_size=25),
    completion_date=date_like,
    owner=any_text,
    covid_impact=st.one_of(st.sampled_from(["", "yes", "no"]), any_text),
    covid_note=any_text,
    exceptional_circumstances=any_text,
)
year_rules = st.builds(YearRules, st.just("2022-23"), st.one_of(st.none(), dates))


@given(rows, year_rules, dates)
def test_the_row_validator_never_crashes_and_every_message_is_plain_text(row, rules, today):
    check = validate_row(row, rules, today)
    assert isinstance(check, RowCheck)
    for messages in (check.errors, check.warnings):
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in messages.items())
    assert check.complete == (not check.errors)
    assert validate_row(row, rules, today) == check  # the same answer every time (live check = save)


@given(st.data())
def test_a_well_formed_row_has_no_errors(data):
    today = data.draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)))
    limit = data.draw(st.dates(min_value=today, max_value=date(2031, 1, 1)))
    completion = data.draw(st.dates(min_value=today, max_value=limit))
    milestone = data.draw(st.dates(min_value=date(2000, 1, 1), max_value=completion))
    words = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=50).filter(str.strip)
    row = RowInput(
        current_position=data.draw(words),
        actions="Rewrite the policy and brief every team: " + data.draw(words),
        milestones=[MilestoneInput(data.draw(words), format_date(milestone))],
        completion_date=data.draw(st.sampled_from([format_date, format_long, date.isoformat]))(completion),
        owner=data.draw(words),
        covid_impact=data.draw(st.sampled_from(["", "no"])),
    )
    check = validate_row(row, YearRules("2022-23", limit), today)
    assert check.errors == {}
    assert check.completion_date == completion


# --- ODS codes -----------------------------------------------------------------------------


@given(any_text)
def test_an_ods_code_is_normalised_or_refused_with_the_rule(text):
    try:
        code = normalise_ods_code(text)
    except ValueError as error:
        assert str(error) == "Enter an ODS code of 3 to 5 letters and numbers, like RXX or X26"
    else:
        assert code.isascii() and code.isalnum() and code.isupper() or code.isdigit()
        assert 3 <= len(code) <= 5
        assert normalise_ods_code(code) == code


@given(st.from_regex(r"\A[A-Za-z0-9]{3,5}\Z"), st.sampled_from(["", " ", "\t", "\n "]))
def test_every_real_shape_of_ods_code_is_accepted(code, padding):
    assert normalise_ods_code(padding + code + padding) == code.upper()


# --- The spreadsheet importer ------------------------------------------------------------------

REFS = ["1.1.1", "1.1.2", "1.2.1", "3.2.1", "10.1.1"]
cell_values = st.one_of(
    st.none(),
    any_text,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.sampled_from(REFS),
    st.sampled_from(list(ALIASES)),
    st.sampled_from(["=1+1", '=HYPERLINK("x")', "'=1", "Yes", "No", "Complete"]),
)


def _workbook(grid) -> bytes:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement plan"
    for r, values in enumerate(grid, start=1):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            ws.cell(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


headers = st.lists(
    st.sampled_from(
        [
            "Evidence item reference",
            "Actions required",
            "Action owner",
            "Target completion date",
            "Milestones",
            "Partial response",
            "COVID impacted",
            "Progress status",
            "Something else",
        ]
    ),
    min_size=1,
    max_size=8,
)


@given(headers, st.lists(st.lists(cell_values, max_size=8), max_size=8))
def test_the_importer_never_crashes_on_any_workbook(header, body):
    result = read_plan_xlsx(_workbook([header, *body]), known_refs=set(REFS))
    assert isinstance(result, ImportResult)
    assert all(isinstance(p.message, str) and p.message for p in result.problems)
    assert len({row["ref"] for row in result.rows}) == len(result.rows)  # a ref at most once
    assert {row["ref"] for row in result.rows} <= set(REFS)


@given(st.binary(max_size=2000))
def test_the_importer_never_crashes_on_any_bytes(data):
    result = read_plan_xlsx(data, known_refs=set(REFS))
    assert not result.ok


# Text a person can type into a cell: no control characters, no surrounding white space.
cell_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=80).map(str.strip)
line_text = cell_text.filter(lambda t: t and t[0] not in "•*" and not t[0].isdigit())
EDITABLE = (
    "current_position",
    "actions",
    "owner",
    "covid_note",
    "exceptional_circumstances",
    "progress_note",
)


@given(st.data())
@settings(max_examples=50)
def test_export_then_import_gives_back_exactly_what_was_exported(data):
    snapshot = make_snapshot(rows=3)
    for row in snapshot["rows"]:
        for key in EDITABLE:
            row[key] = data.draw(
                st.one_of(cell_text, st.sampled_from(["=1+1", "+44 20", "-2+3", "@SUM(A1)", "'=x"]))
            )
        row["partial"] = data.draw(st.booleans())
        row["covid_impact"] = data.draw(st.sampled_from(["", "yes", "no"]))
        row["progress_status"] = data.draw(st.sampled_from(["", "not_started", "in_progress", "complete"]))
        row["completion_date"] = data.draw(st.one_of(st.none(), dates.map(date.isoformat)))
        row["milestones"] = [
            {"date": d.isoformat(), "description": t, "date_text": ""}
            for d, t in data.draw(st.lists(st.tuples(dates, line_text), max_size=3))
        ]
    result = read_plan_xlsx(export_plan_xlsx(snapshot), known_refs={r["ref"] for r in snapshot["rows"]})
    assert result.problems == []
    assert [r["ref"] for r in result.rows] == [r["ref"] for r in snapshot["rows"]]
    for exported, imported in zip(snapshot["rows"], result.rows, strict=True):
        for key in (*EDITABLE, "partial", "covid_impact", "progress_status", "completion_date"):
            assert imported[key] == exported[key], key
        assert imported["milestones"] == [
            {"date": m["date"], "description": m["description"]} for m in exported["milestones"]
        ]
