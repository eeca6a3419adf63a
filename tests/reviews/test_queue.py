"""The review queue: tabs whose counts equal their lists, filters, htmx, and a fixed number of queries."""

from lxml import html as lxml_html

from dspt_portal import plans as plan_verbs
from dspt_portal import reviews
from dspt_portal.extensions import db
from tests.conftest import TODAY


def _rows(response) -> list[str]:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return [" ".join(r.text_content().split()) for r in doc.xpath("//tr[contains(@class, 'app-queue-row')]")]


def _tab_counts(response) -> dict[str, int]:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    counts = {}
    for link in doc.xpath("//nav[contains(@class, 'app-queue-tabs')]//a"):
        label, _, number = " ".join(link.text_content().split()).rpartition(" (")
        counts[link.get("href").split("tab=")[1].split("&")[0]] = int(number.rstrip(")"))
    return counts


def _plans_in_every_state(people, make):
    people.submitted(people.trust)
    people.submitted(people.la)
    org = make.organisation(org_type="ICB", region="London")
    reviews.decide(
        people.national, people.submitted(org), "request_changes", reason="More detail", today=TODAY
    )
    people.agreed(make.organisation(org_type="NHS Trust", region="London"))
    done = people.agreed(make.organisation(org_type="CSU", region="London"))
    editor = make.user(organisation=done.organisation)
    for row in plan_verbs.load_rows(done):
        reviews.save_progress(editor, done, row, "complete", TODAY, "", today=TODAY)
    reviews.submit_completion(editor, done, today=TODAY)
    reviews.decide(people.national, done, "confirm_completion", today=TODAY)
    waiting = people.agreed(make.organisation(org_type="Foundation Trust", region="London"))
    editor = make.user(organisation=waiting.organisation)
    for row in plan_verbs.load_rows(waiting):
        reviews.save_progress(editor, waiting, row, "complete", TODAY, "", today=TODAY)
    reviews.submit_completion(editor, waiting, today=TODAY)


def test_tab_counts_always_equal_list_lengths(client, people, make):
    _plans_in_every_state(people, make)
    client.sign_in(people.national.email)
    expected = {"to_review": 3, "changes_requested": 1, "agreed": 1, "completed": 1, "all": 6}
    for query in (
        "",
        "&org_type=NHS+Trust",
        "&org_type=Local+Authority",
        f"&region={people.trust.region_id}",
        "&year=2022-23",
        "&overdue=y",
    ):
        for tab in expected:
            response = client.get(f"/reviews?tab={tab}{query}")
            counts = _tab_counts(response)
            assert counts[tab] == len(_rows(response)), (tab, query)
        if not query:
            assert counts == expected


def test_queue_shows_flags_whose_turn_and_days_waiting(client, people, make):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    row = _rows(client.get("/reviews"))[0]
    assert "Riverside NHS Trust" in row and "NHS England" in row
    assert "Operator of Essential Services" in row
    assert plan.toolkit_year.label in row


def test_overdue_and_escalated_flags(client, app, people, make):
    plan = people.agreed(people.trust)
    client.sign_in(people.national.email)
    app.config["PORTAL_TODAY"] = "2023-10-02"
    response = client.get("/reviews?tab=agreed&overdue=y")
    assert "Update overdue" in _rows(response)[0]
    app.config["PORTAL_TODAY"] = "2023-10-20"
    assert "Escalated" in _rows(client.get("/reviews?tab=agreed"))[0]
    dashboard = client.text(client.get("/reviews/dashboard"))
    assert "Overdue progress updates" in dashboard and "Riverside NHS Trust" in dashboard
    assert plan.organisation.name in dashboard


def test_queue_is_a_plain_get_form_and_an_htmx_fragment(client, people):
    people.submitted(people.trust)
    client.sign_in(people.national.email)
    full = client.get("/reviews?org_type=NHS+Trust")
    assert "HX-Request" in full.headers["Vary"]
    body = full.get_data(as_text=True)
    assert 'method="get"' in body and 'hx-get="/reviews"' in body and 'hx-push-url="true"' in body
    fragment = client.get("/reviews?org_type=NHS+Trust", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<h1" not in text and 'id="queue-results"' in text and "Riverside NHS Trust" in text
    assert "HX-Request" in fragment.headers["Vary"]
    restore = client.get("/reviews", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<h1>Review queue</h1>" in restore.get_data(as_text=True)


def test_pagination(client, people, make):
    for _ in range(3):
        people.submitted(make.organisation(org_type="NHS Trust", region="London"))
    client.sign_in(people.national.email)
    from dspt_portal import reviews as module

    old = module.PAGE_SIZE
    module.PAGE_SIZE = 2
    try:
        first = client.get("/reviews")
        second = client.get("/reviews?page=2")
    finally:
        module.PAGE_SIZE = old
    assert len(_rows(first)) == 2 and len(_rows(second)) == 1
    assert "page 1 of 2" in client.text(first) and "Next" in client.text(first)


def _count_queries(client, monkeypatch, url) -> int:
    calls = []
    real = db.obj.execute_sql

    def counting(sql, *args, **kwargs):
        calls.append(sql)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counting)
    response = client.get(url)
    monkeypatch.setattr(db.obj, "execute_sql", real)
    assert response.status_code == 200
    return len(calls)


def test_query_count_does_not_grow_with_the_number_of_plans(client, people, make, monkeypatch):
    def add(n):
        for i in range(n):
            plan = people.submitted(make.organisation(org_type="NHS Trust", region="London"))
            if i % 3 == 0:
                reviews.decide(people.national, plan, "agree", today=TODAY)
            if i % 5 == 0:
                reviews.assign(people.national, plan, people.rsl_london)

    add(5)
    client.sign_in(people.national.email)
    urls = ["/reviews?tab=all", "/reviews?tab=agreed&overdue=y", "/reviews/dashboard", "/reviews/overdue.csv"]
    few = [_count_queries(client, monkeypatch, url) for url in urls]
    add(25)
    many = [_count_queries(client, monkeypatch, url) for url in urls]
    assert few == many and min(few) > 0
