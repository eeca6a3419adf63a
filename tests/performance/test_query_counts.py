"""Pages issue the same number of SQL queries whatever the number of rows or plans (no N+1).

The review queue, the dashboard and the overdue CSV are covered in tests/reviews/test_queue.py.
"""

import pytest

from dspt_portal import roles
from dspt_portal.extensions import db
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


def _queries_for_few_and_many_rows(make, new_client, count_queries, send, **plan_kwargs) -> list[int]:
    """The queries of `send(client, plan, rows)` for an editor's plan of FEW rows, then of MANY."""
    counts = []
    for rows in (FEW, MANY):
        editor, (plan,) = _organisation_with_plan(make, rows, **plan_kwargs)
        client = new_client()
        client.sign_in(editor.email)
        n, _ = count_queries(lambda client=client, plan=plan, rows=rows: send(client, plan, rows))
        counts.append(n)
    return counts


def _first_row(plan) -> PlanRow:
    return PlanRow.select().where(PlanRow.plan == plan.id).order_by(PlanRow.id).first()


def _posted_row(row, **overrides) -> dict:
    """What autosave posts for a row as the factories filled it in (good_row), unchanged."""
    values = good_row()
    return {
        "version": row.version,
        "current_position": values.current_position,
        "actions": values.actions,
        "milestones-0-description": values.milestones[0].description,
        "milestones-0-date": values.milestones[0].date,
        "completion_date": values.completion_date,
        "owner": values.owner,
        "covid_impact": values.covid_impact,
        "autosave": "1",
        **overrides,
    }


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_editor_page_does_not_query_per_row(make, new_client, count_queries, state):
    def send(client, plan, rows):
        response = client.get(f"/plans/{plan.id}")
        assert response.get_data(as_text=True).count('class="app-row') >= rows  # every row is there
        return response

    counts = _queries_for_few_and_many_rows(make, new_client, count_queries, send, state=state)
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
    """Saving and checking read one row, however long the plan (the panels are fetched apart)."""

    def send(client, plan, rows):
        row = _first_row(plan)
        form = _posted_row(row, actions=good_row().actions + " Report progress to the board.")  # a change
        url = f"/plans/{plan.id}/rows/{row.id}" + ("/check" if endpoint == "check" else "")
        return client.post(url, form, htmx=True)

    counts = _queries_for_few_and_many_rows(make, new_client, count_queries, send)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"


def test_the_statements_of_an_autosave_and_a_live_check(make, new_client, monkeypatch):
    """Every keystroke-driven request, statement by statement: the user, the row, and for a real
    change the lock, the row, the plan's version and the audit event (milestones left alone)."""
    editor, (plan,) = _organisation_with_plan(make, FEW)
    row = _first_row(plan)
    form = _posted_row(row)
    client = new_client()
    client.sign_in(editor.email)
    real, sent = db.obj.execute_sql, []
    monkeypatch.setattr(
        db.obj, "execute_sql", lambda sql, *a, **k: sent.append(sql.split()[0]) or real(sql, *a, **k)
    )

    def statements(url, data):
        sent.clear()
        assert client.post(url, data, htmx=True).status_code == 200
        return list(sent)

    url = f"/plans/{plan.id}/rows/{row.id}"
    assert statements(url + "/check", form) == ["SELECT", "SELECT"]  # the user; the row with its plan
    assert statements(url, form) == ["SELECT", "SELECT", "SELECT"]  # ... and its milestones: unchanged
    changed = {**form, "actions": good_row().actions + " Report progress to the board."}
    assert [s for s in statements(url, changed) if s not in ("BEGIN", "COMMIT")] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "UPDATE",
        "UPDATE",
        "INSERT",
    ]
    assert PlanRow.get_by_id(row.id).version == row.version + 1


def test_the_status_panels_do_not_query_per_row(make, new_client, count_queries):
    def send(client, plan, rows):
        return client.get(f"/plans/{plan.id}/status-panels", headers={"HX-Request": "true"}, check=False)

    counts = _queries_for_few_and_many_rows(make, new_client, count_queries, send)
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
    def send(client, plan, rows):
        return client.get(f"/plans/{plan.id}/plan.{extension}")

    counts = _queries_for_few_and_many_rows(make, new_client, count_queries, send)
    assert counts[0] == counts[1], f"{FEW} rows: {counts[0]} queries, {MANY} rows: {counts[1]}"
