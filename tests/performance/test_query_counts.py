"""Pages issue the same number of SQL queries whatever the number of rows or plans (no N+1).

The review queue, the dashboard and the overdue CSV are covered in tests/reviews/test_queue.py.
"""

import pytest

from dspt_portal import roles
from dspt_portal.models import PlanRow
from tests.performance.conftest import catalogue_refs
from tests.support.factories import good_row

FEW, MANY = 2, 20


def _organisation_with_plan(make, rows: int, *, state="draft", years=("2022-23",)):
    """An organisation, its editor, and a filled-in plan per year with `rows` rows (milestones too)."""
    org = make.organisation(org_type="NHS Trust", region="London")
    editor = make.user(organisation=org)
    plans = []
    for year in years:
        refs = catalogue_refs(rows, year)
        plan = make.complete_plan(org, refs, by=editor, year=year)
        if state == "submitted":
            plan = make.submitted(make.signed_off(plan), by=editor)
        plans.append(plan)
    return editor, plans


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_editor_page_does_not_query_per_row(make, new_client, count_queries, state):
    counts = []
    for rows in (FEW, MANY):
        editor, (plan,) = _organisation_with_plan(make, rows, state=state)
        client = new_client()
        client.sign_in(editor.email)
        n, response = count_queries(lambda client=client, plan=plan: client.get(f"/plans/{plan.id}"))
        assert response.get_data(as_text=True).count('class="app-row') >= rows  # every row is there
        counts.append(n)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"


def test_the_organisation_home_does_not_query_per_plan_or_row(make, new_client, count_queries):
    counts = []
    for rows, years in ((FEW, ("2022-23",)), (MANY, ("2022-23", "2021-22"))):
        editor, _ = _organisation_with_plan(make, rows, years=years)
        client = new_client()
        client.sign_in(editor.email)
        n, _ = count_queries(lambda client=client: client.get("/plans"))
        counts.append(n)
    assert counts[0] == counts[1], f"1 plan: {counts[0]} queries, 2 plans with more rows: {counts[1]}"


@pytest.mark.parametrize("endpoint", ["save", "check"])
def test_saving_and_checking_a_row_do_not_query_per_row(make, new_client, count_queries, endpoint):
    """Autosave re-renders the plan's readiness, so it reads the whole plan: in a fixed number of queries."""
    counts = []
    for rows in (FEW, MANY):
        editor, (plan,) = _organisation_with_plan(make, rows)
        row = PlanRow.select().where(PlanRow.plan == plan.id).order_by(PlanRow.id).first()
        values = good_row()
        form = {
            "version": row.version,
            "current_position": values.current_position,
            "actions": values.actions + " Report progress to the board.",  # a real change
            "milestones-0-description": values.milestones[0].description,
            "milestones-0-date": values.milestones[0].date,
            "completion_date": values.completion_date,
            "owner": values.owner,
            "covid_impact": values.covid_impact,
            "autosave": "1",
        }
        client = new_client()
        client.sign_in(editor.email)
        url = f"/plans/{plan.id}/rows/{row.id}" + ("/check" if endpoint == "check" else "")
        n, _ = count_queries(lambda client=client, url=url, form=form: client.post(url, form, htmx=True))
        counts.append(n)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"


def test_the_review_page_does_not_query_per_row(make, new_client, count_queries):
    reviewer = make.user(roles.NATIONAL_REVIEWER)
    client = new_client()
    client.sign_in(reviewer.email)
    counts = []
    for rows in (FEW, MANY):
        _, (plan,) = _organisation_with_plan(make, rows, state="submitted")
        n, _ = count_queries(lambda plan=plan: client.get(f"/reviews/plans/{plan.id}"))
        counts.append(n)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_spreadsheet_downloads_do_not_query_per_row(make, new_client, count_queries, extension):
    counts = []
    for rows in (FEW, MANY):
        editor, (plan,) = _organisation_with_plan(make, rows)
        client = new_client()
        client.sign_in(editor.email)
        n, _ = count_queries(
            lambda client=client, plan=plan: client.get(f"/plans/{plan.id}/plan.{extension}")
        )
        counts.append(n)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"
