from datetime import UTC, date, datetime

import pytest

from dspt_portal.domain.deadlines import (
    REMINDER_LEAD_DAYS,
    Notice,
    ProgressStanding,
    YearDates,
    days_waiting,
    notices_due,
    progress_standing,
)

SEP, DEC = date(2023, 9, 30), date(2023, 12, 31)
SEP_ESC, DEC_ESC = date(2023, 10, 14), date(2024, 1, 14)
Y2223 = YearDates.from_csv_row(
    {
        "toolkit_year": "2022-23",
        "version": "5",
        "publication_deadline": "2023-06-30",
        "latest_completion_date": "2024-06-30",
        "update_due_dates": "2023-09-30;2023-12-31",
        "update_escalation_dates": "2023-10-14;2024-01-14",
    }
)
AGREED = date(2023, 8, 1)


def test_from_csv_row():
    assert YearDates("2022-23", date(2023, 6, 30), date(2024, 6, 30), (SEP, DEC), (SEP_ESC, DEC_ESC)) == Y2223


def test_from_csv_row_with_blanks():
    year = YearDates.from_csv_row(
        {
            "toolkit_year": "2021-22",
            "publication_deadline": "2022-06-30",
            "latest_completion_date": "",
            "update_due_dates": "",
            "update_escalation_dates": None,
        }
    )
    assert year.latest_completion_date is None
    assert year.update_due_dates == ()
    assert year.escalation_dates == ()


def test_inconsistent_dates_are_refused():
    with pytest.raises(ValueError, match="more escalation dates than update due dates"):
        YearDates("x", None, None, (SEP,), (SEP_ESC, DEC_ESC))
    with pytest.raises(ValueError, match="is before its due date"):
        YearDates("x", None, None, (SEP,), (date(2023, 9, 1),))
    with pytest.raises(ValueError, match="Invalid isoformat"):
        YearDates.from_csv_row({"toolkit_year": "x", "update_due_dates": "30/09/2023"})


def _standing(updates, today, agreed=AGREED, year=Y2223):
    return progress_standing(year, agreed, updates, today)


def test_before_first_due_date():
    assert _standing([], date(2023, 9, 1)) == ProgressStanding(SEP, None, None)


def test_due_date_itself_is_not_overdue():
    standing = _standing([], SEP)
    assert standing == ProgressStanding(SEP, None, None)
    assert not standing.overdue


def test_day_after_due_is_overdue():
    standing = _standing([], date(2023, 10, 1))
    assert standing.overdue
    assert not standing.escalated
    assert standing == ProgressStanding(DEC, SEP, None)


def test_escalated_on_escalation_date():
    assert not _standing([], date(2023, 10, 13)).escalated
    standing = _standing([], SEP_ESC)
    assert standing.escalated
    assert standing == ProgressStanding(DEC, SEP, SEP_ESC)


def test_update_on_time_satisfies():
    assert _standing([date(2023, 9, 20)], date(2023, 10, 20)) == ProgressStanding(DEC, None, None)


def test_late_update_within_grace_satisfies_but_not_both_dates():
    late = [SEP_ESC]
    assert _standing(late, date(2023, 10, 20)) == ProgressStanding(DEC, None, None)
    # The same update cannot also count for December.
    assert _standing(late, date(2024, 1, 1)) == ProgressStanding(None, DEC, None)


def test_update_after_escalation_counts_towards_the_next_due_date():
    # Missed September entirely; a November update catches up (counts for December).
    assert _standing([], date(2023, 11, 1)).escalated
    assert _standing([date(2023, 11, 1)], date(2023, 11, 2)) == ProgressStanding(None, None, None)


def test_update_timestamps_are_accepted():
    stamped = [datetime(2023, 9, 30, 23, 0, tzinfo=UTC)]
    assert _standing(stamped, date(2023, 10, 20)) == ProgressStanding(DEC, None, None)


def test_both_missed():
    standing = _standing([], DEC_ESC)
    assert standing == ProgressStanding(None, SEP, SEP_ESC)


def test_both_met():
    updates = [date(2023, 9, 29), date(2023, 12, 30)]
    assert _standing(updates, date(2024, 3, 1)) == ProgressStanding(None, None, None)


def test_due_dates_before_agreement_do_not_count():
    late_agreement = date(2023, 11, 1)
    assert _standing([], date(2023, 11, 2), agreed=late_agreement) == ProgressStanding(DEC, None, None)
    # An update from before agreement does not count.
    assert _standing([date(2023, 10, 31)], date(2024, 1, 1), agreed=late_agreement).overdue
    # Agreed on the due date itself: it still counts, and an update that day meets it.
    assert _standing([SEP], date(2023, 10, 1), agreed=SEP) == ProgressStanding(DEC, None, None)


def test_year_without_escalation_dates():
    year = YearDates("2020-21", date(2021, 6, 30), date(2021, 12, 30), (date(2021, 12, 31),))
    assert _standing([], date(2022, 2, 1), agreed=date(2021, 8, 1), year=year) == ProgressStanding(
        None, date(2021, 12, 31), None
    )


def test_year_without_due_dates():
    year = YearDates("2021-22", date(2022, 6, 30), None)
    assert _standing([], date(2023, 1, 1), year=year) == ProgressStanding(None, None, None)
    assert notices_due(year, AGREED, [], date(2023, 1, 1)) == []


def _kinds(updates, today, agreed=AGREED):
    return [n.key for n in notices_due(Y2223, agreed, updates, today)]


def test_reminder_window():
    assert REMINDER_LEAD_DAYS == 14
    assert _kinds([], date(2023, 9, 15)) == []
    assert _kinds([], date(2023, 9, 16)) == ["reminder:2023-09-30"]
    assert _kinds([], SEP) == ["reminder:2023-09-30"]


def test_no_reminder_once_updated():
    assert _kinds([date(2023, 9, 20)], date(2023, 9, 25)) == []


def test_overdue_then_escalation():
    assert _kinds([], date(2023, 10, 1)) == ["overdue:2023-09-30"]
    assert _kinds([], SEP_ESC) == ["overdue:2023-09-30", "escalation:2023-09-30"]


def test_notices_late_in_the_year():
    assert _kinds([date(2023, 9, 20)], date(2023, 12, 20)) == ["reminder:2023-12-31"]
    assert _kinds([], DEC_ESC) == [
        "overdue:2023-09-30",
        "escalation:2023-09-30",
        "overdue:2023-12-31",
        "escalation:2023-12-31",
    ]


def test_notice_fields():
    assert notices_due(Y2223, AGREED, [], date(2023, 10, 1)) == [Notice("overdue", SEP, "overdue:2023-09-30")]


def test_days_waiting():
    today = date(2023, 7, 20)
    assert days_waiting(date(2023, 7, 10), today) == 10
    assert days_waiting(datetime(2023, 7, 19, 23, 59, tzinfo=UTC), today) == 1
    assert days_waiting(today, today) == 0
    assert days_waiting(date(2023, 7, 21), today) == 0
