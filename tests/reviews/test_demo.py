"""Demo data: plans in every state, made with the real verbs, seeded idempotently."""

from dspt_portal import demo, reviews
from dspt_portal.models import Organisation, Plan, User
from tests.conftest import TODAY


def test_seed_creates_every_state_once(make):
    demo.seed("demo-password-1")
    states = {p.organisation.ods_code: p.state for p in Plan.select(Plan, Organisation).join(Organisation)}
    assert states == {
        "X26": "draft",
        "R9A": "submitted",
        "R9G": "changes_requested",
        "R9J": "submitted",
        "R9B": "agreed",
        "R9F": "agreed",
        "Q9H": "agreed",
        "0DX": "completion_submitted",
        "Q9C": "completed",
        "X27": "submitted",
        "T9E": "submitted",
    }
    assert demo.seed("demo-password-1") == 0
    national = User.get(User.email == "dspt.team@example.org")
    rsl = User.get(User.email == "rsl.london@example.org")
    later = TODAY.replace(month=10, day=20)
    overdue = {i.plan.organisation.ods_code: i.escalated for i in reviews.overdue_list(national, later)}
    assert overdue == {"R9F": True, "Q9H": True}
    assert reviews.overdue_list(national, TODAY) == []
    london = reviews.queue(rsl, reviews.QueueFilters(tab="all"), today=TODAY)
    assert {i.plan.organisation.ods_code for i in london.items} == {"R9A", "R9G"}
    r9j = Plan.select().join(Organisation).where(Organisation.ods_code == "R9J").get()
    data = reviews.review_data(national, r9j, TODAY)
    assert data["previous"].number == 1 and data["changes"].changed[0].ref == "3.2.1"


def test_every_demo_page_renders(client, make, app):
    demo.seed("demo-password-1")
    app.config["PORTAL_TODAY"] = "2023-10-20"
    client.sign_in("dspt.team@example.org")
    for tab in ("to_review", "changes_requested", "agreed", "completed", "all"):
        assert client.get(f"/reviews?tab={tab}").status_code == 200
    assert client.get("/reviews/dashboard").status_code == 200
    for plan in list(Plan.select().where(Plan.state != "draft")):
        assert client.get(f"/reviews/plans/{plan.id}").status_code == 200
        assert client.get(f"/plans/{plan.id}/history").status_code == 200
    client.sign_out()
    for code in ("R9B", "R9F", "Q9C", "0DX"):
        editor = User.get(User.email == f"editor.{code.lower()}@example.org")
        client.sign_in(editor.email)
        plan = Plan.get(Plan.organisation == editor.organisation_id)
        assert client.get(f"/plans/{plan.id}/progress").status_code == 200
        assert client.get(f"/plans/{plan.id}").status_code == 200
        client.sign_out()
