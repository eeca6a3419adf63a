from datetime import date

import pytest

from dspt_portal.domain.dates import (
    DateError,
    format_date,
    format_long,
    parse_date_parts,
    parse_user_date,
)

LABEL = "Completion date"


@pytest.mark.parametrize(
    "text",
    [
        "30/06/2024",
        "30-06-2024",
        "30.06.2024",
        " 30/6/2024 ",
        "2024-06-30",
        "30 June 2024",
        "30 june 2024",
        "30 JUN 2024",
        "30 Jun. 2024",
        "30th June 2024",
    ],
)
def test_accepted_formats(text):
    assert parse_user_date(text, LABEL) == date(2024, 6, 30)


def test_single_digit_day_and_month():
    assert parse_user_date("1/7/2024", LABEL) == date(2024, 7, 1)
    assert parse_user_date("1 Jul 2024", LABEL) == date(2024, 7, 1)
    assert parse_user_date("5 Sept 2023", LABEL) == date(2023, 9, 5)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_is_none(text):
    assert parse_user_date(text, LABEL) is None


@pytest.mark.parametrize("text", ["30/06/24", "30 June 24", "30-6-24"])
def test_two_digit_year(text):
    with pytest.raises(DateError) as e:
        parse_user_date(text, LABEL)
    assert e.value.message == "Completion date must include a 4-digit year, like 30/06/2024"


@pytest.mark.parametrize("text", ["31/02/2024", "29/02/2023", "2024-02-30", "1/13/2024", "0/1/2024"])
def test_impossible_dates(text):
    with pytest.raises(DateError) as e:
        parse_user_date(text, LABEL)
    assert e.value.message == "Completion date must be a real date"


def test_leap_day_is_real():
    assert parse_user_date("29/02/2024", LABEL) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    ["next June", "30/06", "June 2024", "30 Foo 2024", "٣٠/٠٦/٢٠٢٤", "30/06/2024\nx"],
)
def test_unrecognised_text(text):
    with pytest.raises(DateError) as e:
        parse_user_date(text, "Milestone 2 date")
    assert e.value.message == "Milestone 2 date must be a real date, like 30/06/2024"


def test_date_error_is_a_value_error_with_message():
    with pytest.raises(ValueError, match="must be a real date"):
        parse_user_date("nonsense", LABEL)


def test_date_parts():
    assert parse_date_parts("30", "6", "2024", LABEL) == date(2024, 6, 30)
    assert parse_date_parts(" 1 ", "July", "2024", LABEL) == date(2024, 7, 1)
    assert parse_date_parts("", "", "", LABEL) is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "6", "2024", "Completion date must include a day"),
        ("30", "", "2024", "Completion date must include a month"),
        ("30", "6", "", "Completion date must include a year"),
        ("", "", "2024", "Completion date must include a day and a month"),
        ("31", "2", "2024", "Completion date must be a real date"),
        ("x", "6", "2024", "Completion date must be a real date"),
        ("²", "6", "2024", "Completion date must be a real date"),
        (
            "30",
            "6",
            "24",
            "Completion date must include a 4-digit year, like 30/06/2024",
        ),
    ],
)
def test_date_parts_errors(day, month, year, message):
    with pytest.raises(DateError) as e:
        parse_date_parts(day, month, year, LABEL)
    assert e.value.message == message


def test_formatting():
    assert format_date(date(2024, 6, 3)) == "03/06/2024"
    assert format_date(None) == ""
    assert format_long(date(2024, 6, 3)) == "3 June 2024"
    assert format_long(date(2023, 12, 31)) == "31 December 2023"
    assert format_long(None) == ""


def test_round_trip_through_format():
    d = date(2025, 1, 9)
    assert parse_user_date(format_date(d), LABEL) == d
    assert parse_user_date(format_long(d), LABEL) == d
