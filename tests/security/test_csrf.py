"""CSRF: every state-changing request, htmx included, is refused without a valid token and changes nothing."""

import pytest

from dspt_portal.models import MODELS
from tests.security.conftest import build_world, sign_in_as
from tests.security.test_authorisation_matrix import ROUTES, RULES, SCOPE, _url
from tests.support.client import PageClient

POST_ROUTES = [p for p in ROUTES if p.values[2] == "POST"]
# Who tries each route: the first person the table lets in, on the first plan they can see
# (drafts first, so the request would really change the plan if it were accepted).
PREFERENCE = ("anonymous", "editor_a", "signatory_a", "national", "rsl_a", "admin")
PLAN_PREFERENCE = ("a_draft", "a", "b", "la")

# Requests that would do something real with a token: the refusal must be what stops them.
GOOD_ROW = {
    "version": "1",
    "current_position": "Policy is out of date.",
    "actions": "Rewrite the policy and brief every team on it before the end of the year.",
    "milestones-0-description": "Draft to IG group",
    "milestones-0-date": "30/09/2023",
    "completion_date": "31/12/2023",
    "owner": "Jo Bloggs",
    "covid_impact": "no",
}
POST_DATA = {
    "auth.sign_in": {"email": "editor.a@example.org", "password": "demo-password-1"},
    "auth.change_password": {
        "current_password": "demo-password-1",
        "new_password": "correct horse battery",
        "confirm_password": "correct horse battery",
    },
    "plans.save_row": GOOD_ROW,
    "plans.check_row": GOOD_ROW,
    "plans.start": {"refs": "1.1.4"},
    "plans.add_items": {"refs": "1.1.4"},
    "plans.sign_off": {"name": "Sam Patel", "role": "SIRO", "board": "Board", "meeting_date": "10/07/2023"},
    "reviews.decide": {"action": "agree"},
    "reviews.comment": {"ref": "1.1.4", "body": "Please add a milestone."},
    "admin.organisation": {"ods_code": "ZZ9", "name": "Forged Trust", "org_type": "NHS Trust"},
    "admin.user": {
        "email": "forged@example.org",
        "full_name": "Forged",
        "role": "admin",
        "password": "a-long-forged-password",
    },
    "admin.reset_password": {"password": "a-long-forged-password"},
}


def fingerprint() -> dict:
    """Everything in the database, table by table."""
    return {model.__name__: sorted(map(repr, model.select().dicts())) for model in MODELS}


def _attempt(app, make, endpoint, url_rule):
    rule = RULES[endpoint]
    who = next(w for w in PREFERENCE if w in rule.who)
    world = build_world(make)
    plan_key = None
    if "<int:plan_id>" in url_rule:
        plan_key = next(
            p for p in PLAN_PREFERENCE if p in SCOPE[who] and p in (rule.plans or PLAN_PREFERENCE)
        )
    client = PageClient(app.test_client())
    if who != "anonymous":
        sign_in_as(app, client, world.people[who])
    return client, _url(url_rule, world, plan_key), dict(POST_DATA.get(endpoint, {}))


@pytest.mark.parametrize(("endpoint", "url_rule", "method"), POST_ROUTES)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_post_without_a_token_is_refused_and_changes_nothing(app, make, endpoint, url_rule, method, htmx):
    client, url, data = _attempt(app, make, endpoint, url_rule)
    client.get("/accessibility", check=False)  # the session has a token; the forged request does not send it
    before = fingerprint()
    response = client.post(url, data, csrf=False, htmx=htmx, check=False)
    assert response.status_code == 400
    assert "out of date or incomplete" in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize(("endpoint", "url_rule", "method"), POST_ROUTES)
def test_a_token_from_another_session_is_refused(app, make, endpoint, url_rule, method):
    client, url, data = _attempt(app, make, endpoint, url_rule)
    attacker = PageClient(app.test_client())
    data["csrf_token"] = attacker.token()  # valid for the attacker's own session only
    before = fingerprint()
    response = client.post(url, data, csrf=False, headers={"X-CSRFToken": data["csrf_token"]}, check=False)
    assert response.status_code == 400
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("endpoint", "url_rule"),
    [
        ("plans.save_row", "/plans/<int:plan_id>/rows/<int:row_id>"),
        ("admin.organisation", "/admin/organisations/new"),
        ("reviews.comment", "/reviews/plans/<int:plan_id>/comments"),
        ("auth.change_password", "/account/password"),
    ],
)
def test_the_same_requests_with_the_token_do_change_things(app, make, endpoint, url_rule):
    """Control: the forged requests above were refused because of the token, not their content."""
    client, url, data = _attempt(app, make, endpoint, url_rule)
    before = fingerprint()
    response = client.post(url, data, htmx=endpoint == "plans.save_row", check=False)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    assert fingerprint() != before
