from datetime import date

import pytest

from dspt_portal.domain.validation import (
    MAX_MILESTONES,
    MilestoneInput,
    Problem,
    RowCheck,
    RowInput,
    YearRules,
    plan_problems,
    submission_blockers,
    validate_row,
)

TODAY = date(2023, 7, 20)
RULES = YearRules("2022-23", date(2024, 6, 30))


def _row(**changes) -> RowInput:
    values = {
        "current_position": "Asset register last reviewed in 2021",
        "actions": "Review the information asset register and all data flows",
        "milestones": [MilestoneInput("Draft register", "31/01/2024")],
        "completion_date": "31/03/2024",
        "owner": "Jo Bloggs, Head of IG",
    }
    values.update(changes)
    return RowInput(**values)


def _check(**changes) -> RowCheck:
    return validate_row(_row(**changes), RULES, TODAY)


def test_valid_row():
    check = _check()
    assert check.complete
    assert check.errors == {}
    assert check.warnings == {}
    assert check.completion_date == date(2024, 3, 31)
    assert check.milestone_dates == [date(2024, 1, 31)]
    assert not check.needs_exception


def test_empty_row_lists_every_required_field_in_form_order():
    check = validate_row(RowInput(), RULES, TODAY)
    assert not check.complete
    assert check.errors == {
        "current_position": "Enter the current position or gap",
        "actions": "Enter the actions required",
        "milestones": "Add at least one milestone",
        "completion_date": "Enter a completion date",
        "owner": "Enter the action owner",
    }


def test_whitespace_only_counts_as_empty():
    check = _check(current_position="  \n ", owner="\t")
    assert check.errors["current_position"] == "Enter the current position or gap"
    assert check.errors["owner"] == "Enter the action owner"


def test_actions_too_short():
    check = _check(actions="  Fix it" + " " * 30)
    assert check.errors["actions"] == (
        "Actions required must describe the steps to meet this evidence item (at least 25 characters)"
    )
    assert "actions" not in _check(actions="x" * 25).errors
    assert "actions" in _check(actions="x" * 24).errors


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        (
            "current_position",
            4000,
            "Current position must be 4,000 characters or fewer",
        ),
        ("actions", 4000, "Actions required must be 4,000 characters or fewer"),
        ("owner", 200, "Action owner must be 200 characters or fewer"),
        (
            "covid_note",
            2000,
            "COVID impact description must be 2,000 characters or fewer",
        ),
        (
            "exceptional_circumstances",
            4000,
            "Exceptional circumstances must be 4,000 characters or fewer",
        ),
    ],
)
def test_maximum_lengths(field, limit, message):
    assert field not in _check(**{field: "a" * limit}).errors
    assert _check(**{field: "a" * (limit + 1)}).errors[field] == message


def test_windows_newlines_count_once():
    # Browsers send textarea newlines as CRLF; maxlength counts them as one character.
    crlf = "ab\r\n" * 60  # 240 characters as sent, 180 as typed
    assert "owner" not in _check(owner=crlf).errors


def test_milestone_description_length():
    long = [MilestoneInput("d" * 501, "31/01/2024")]
    assert _check(milestones=long).errors == {
        "milestones-0-description": "Milestone 1 description must be 500 characters or fewer"
    }


def test_html_is_just_text():
    script = "<script>alert('x')</script> & <b>bold</b> plan to review everything"
    check = _check(current_position=script, actions=script, owner="<img src=x onerror=alert(1)>")
    assert check.complete


def test_milestone_problems_are_numbered_from_one_and_keyed_from_zero():
    milestones = [
        MilestoneInput("Draft", "31/01/2024"),
        MilestoneInput("", ""),  # wholly empty rows are ignored
        MilestoneInput("No date", ""),
        MilestoneInput("", "28/02/2024"),
        MilestoneInput("Bad date", "31/02/2024"),
        MilestoneInput("Words", "next June"),
    ]
    check = _check(milestones=milestones)
    assert check.errors == {
        "milestones-2-date": "Enter a date for milestone 3",
        "milestones-3-description": "Enter a description for milestone 4",
        "milestones-4-date": "Milestone 5 date must be a real date",
        "milestones-5-date": "Milestone 6 date must be a real date, like 30/06/2024",
    }
    assert check.milestone_dates == [
        date(2024, 1, 31),
        None,
        None,
        date(2024, 2, 28),
        None,
        None,
    ]


def test_only_empty_milestones_means_none():
    check = _check(milestones=[MilestoneInput(" ", " ")])
    assert check.errors == {"milestones": "Add at least one milestone"}


def test_milestone_limit():
    many = [MilestoneInput(f"Step {i}", "01/01/2024") for i in range(MAX_MILESTONES)]
    assert _check(milestones=many).complete
    check = _check(milestones=[*many, MilestoneInput("One more", "01/01/2024")])
    assert check.errors == {"milestones": "A row can have up to 20 milestones"}


def test_milestone_after_completion_date():
    milestones = [
        MilestoneInput("On the day", "31/03/2024"),
        MilestoneInput("Too late", "01/04/2024"),
    ]
    check = _check(milestones=milestones)
    assert check.errors == {
        "milestones-1-date": "Milestone 2 date must be on or before the completion date (31/03/2024)"
    }


def test_completion_date_errors():
    assert _check(completion_date="31/02/2024").errors["completion_date"] == (
        "Completion date must be a real date"
    )
    assert _check(completion_date="soon").errors["completion_date"] == (
        "Completion date must be a real date, like 30/06/2024"
    )
    assert _check(completion_date="31/3/24").errors["completion_date"] == (
        "Completion date must include a 4-digit year, like 30/06/2024"
    )


def test_completion_date_today_is_allowed_but_yesterday_is_not():
    today = _check(completion_date="20/07/2023", milestones=[MilestoneInput("Now", "20/07/2023")])
    assert today.complete
    yesterday = _check(completion_date="19/07/2023")
    assert yesterday.errors["completion_date"] == "Completion date must be today or in the future"


def test_completion_date_accepts_iso_from_date_inputs():
    assert _check(completion_date="2024-03-31").completion_date == date(2024, 3, 31)


def test_completion_date_on_the_limit_is_fine():
    check = _check(completion_date="30/06/2024")
    assert check.complete
    assert not check.needs_exception
    assert check.warnings == {}


def test_completion_date_after_limit_needs_exceptional_circumstances():
    check = _check(completion_date="01/07/2024")
    assert check.needs_exception
    assert check.errors == {
        "completion_date": "Completion date must be on or before 30 June 2024",
        "exceptional_circumstances": (
            "Explain the exceptional circumstances for a completion date after 30 June 2024"
        ),
    }


def test_completion_date_after_limit_with_justification_is_a_warning():
    check = _check(completion_date="01/07/2024", exceptional_circumstances="Supplier delay")
    assert check.complete
    assert check.needs_exception
    assert check.warnings == {
        "completion_date": (
            "NHS England must agree the exceptional circumstances for a completion date after 30 June 2024"
        )
    }


def test_no_limit_when_year_has_none():
    check = validate_row(_row(completion_date="01/01/2030"), YearRules("2021-22", None), TODAY)
    assert check.complete
    assert not check.needs_exception


def test_covid():
    assert _check(covid_impact="no").complete
    assert _check(covid_impact="yes", covid_note="Staff redeployed").complete
    assert _check(covid_impact="yes").errors == {"covid_note": "Describe how COVID affected this item"}
    assert _check(covid_impact="maybe").errors == {"covid_impact": "Select whether COVID affected this item"}


def test_problem_anchor():
    assert Problem("1.1.4", "owner", "x").anchor == "row-1-1-4-owner"
    assert Problem("10.2.1", "milestones-0-date", "x").anchor == "row-10-2-1-milestones-0-date"
    assert Problem("", "sign_off", "x").anchor == "plan-sign_off"


def test_plan_problems():
    bad = validate_row(RowInput(owner="Jo"), RULES, TODAY)
    good = _check()
    problems = plan_problems([("1.1.4", good), ("2.1.1", bad), ("1.1.4", good)])
    assert [p.ref for p in problems[:4]] == ["2.1.1"] * 4
    assert problems[0] == Problem("2.1.1", "current_position", "Enter the current position or gap")
    assert problems[-1] == Problem("1.1.4", "ref", "Evidence item 1.1.4 is in the plan more than once")
    assert len(problems) == 5


def test_empty_plan_and_clean_plan():
    assert plan_problems([]) == [Problem("", "rows", "Add at least one evidence item to the plan")]
    assert plan_problems([("1.1.4", _check())]) == []


def test_submission_blockers():
    row_problem = Problem("1.1.4", "owner", "Enter the action owner")
    assert submission_blockers([], sign_off_current=True, has_sign_off=True) == []
    missing = submission_blockers([row_problem], sign_off_current=False, has_sign_off=False)
    assert missing == [
        row_problem,
        Problem("", "sign_off", "Record the SIRO or board sign-off"),
    ]
    stale = submission_blockers([], sign_off_current=False, has_sign_off=True)
    assert stale == [
        Problem(
            "",
            "sign_off",
            "The sign-off is out of date because the plan changed: ask your signatory to sign off again",
        )
    ]
