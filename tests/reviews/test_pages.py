"""History, dashboard and CSV exports: readable pages and formula-safe spreadsheets."""

import csv
import io

from dspt_portal import reviews
from tests.conftest import TODAY


def _csv(response):
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_history_page_lists_events_readably_for_org_and_reviewer(client, people):
    plan = people.submitted(people.trust)
    reviews.decide(people.rsl_london, plan, "request_changes", reason="Add milestones", today=TODAY)
    for email in (people.trust_editor.email, people.rsl_london.email, people.national.email):
        client.sign_in(email)
        text = client.text(client.get(f"/plans/{plan.id}/history"))
        assert "Submitted the plan to NHS England (submission 1)" in text
        assert "Requested changes to the plan (submission 1): Add milestones" in text
        assert "Ravi Singh" in text
        client.sign_out()
    client.sign_in(people.rsl_midlands.email)
    assert client.get(f"/plans/{plan.id}/history").status_code == 404


def test_history_csv_is_formula_safe(client, people, make):
    plan = people.submitted(people.trust)
    sneaky = make.user("national_reviewer", full_name='=HYPERLINK("http://evil")')
    reviews.decide(sneaky, plan, "request_changes", reason="@SUM(1+1)", today=TODAY)
    client.sign_in(people.trust_editor.email)
    rows = _csv(client.get(f"/plans/{plan.id}/history.csv"))
    assert rows[0] == ["When (UTC)", "Who", "Role", "What", "Summary"]
    assert rows[-1][1:4] == ['\'=HYPERLINK("http://evil")', "national_reviewer", "request_changes"]
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_overdue_csv_is_formula_safe(client, app, people, make):
    org = make.organisation(name="=cmd|'/C calc'!A0", org_type="NHS Trust", region="London")
    people.agreed(org)
    people.agreed(people.trust)
    app.config["PORTAL_TODAY"] = "2023-10-20"
    client.sign_in(people.rsl_london.email)
    rows = _csv(client.get("/reviews/overdue.csv"))
    assert rows[0][:3] == ["Organisation", "ODS code", "Organisation type"]
    names = {r[0] for r in rows[1:]}
    assert names == {"'=cmd|'/C calc'!A0", "Riverside NHS Trust"}
    assert all(r[6] == "2023-09-30" and r[7] == "Yes" for r in rows[1:])


def test_dashboard_has_a_chart_and_a_table(client, people):
    people.submitted(people.trust)
    people.agreed(people.la)
    client.sign_in(people.national.email)
    response = client.get("/reviews/dashboard")
    body = response.get_data(as_text=True)
    assert body.count('<svg class="app-chart"') == 3 and body.count('<title id="chart-') == 3
    text = client.text(response)
    assert "Plans by status" in text and "Submitted 1" in text and "Agreed 1" in text
    assert "Local Authority 1" in text and "NHS Trust 1" in text and "London 2" in text


def test_review_page_shows_grouped_rows_checks_and_history_link(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    text = client.text(client.get(f"/reviews/plans/{plan.id}"))
    assert "Standard 1:" in text and "Assertion 1.1" in text and "1.1.4" in text
    assert "The plan met every automatic check when it was submitted" in text
    assert "Operator of Essential Services" in text
    assert "See the plan's history" in text
    assert "Agree the plan" in text and "Request changes" in text


def test_routes_carry_one_access_rule(app):
    from dspt_portal.security import ACCESS_ATTR

    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("reviews", "progress", "history"):
            assert hasattr(app.view_functions[rule.endpoint], ACCESS_ATTR), rule.endpoint
