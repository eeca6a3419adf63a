"""Who may use which route, on whose plans: every route in the URL map × every kind of person ×
plans inside and outside their scope, checked against a declared table.

Outcomes: anonymous -> the sign-in page; wrong role -> 403; a plan outside the person's scope
-> 404 (we do not even admit it exists); otherwise the route does its job (200, a redirect, or a
refusal about the plan's state or the form's content: 409 / 422). A route missing from RULES
fails the suite: whoever adds a route decides here who may use it.
"""

import tempfile
from dataclasses import dataclass

import pytest

from dspt_portal import create_app
from tests.security.conftest import build_world, sign_in_as
from tests.support.client import PageClient

ANYONE = frozenset(
    {"anonymous", "editor_a", "signatory_a", "editor_b", "rsl_a", "rsl_other", "national", "admin"}
)
SIGNED_IN = ANYONE - {"anonymous"}
ORG = frozenset({"editor_a", "signatory_a", "editor_b"})
SIGNATORY = frozenset({"signatory_a"})
REVIEWERS = frozenset({"rsl_a", "rsl_other", "national"})
ADMIN = frozenset({"admin"})

# Which plans each person may see. Drafts stay with their organisation; Local Authority plans go
# to the national team, not to the region; administrators manage accounts, not plans.
SCOPE = {
    "anonymous": set(),
    "editor_a": {"a", "a_draft"},
    "signatory_a": {"a", "a_draft"},
    "editor_b": {"b"},
    "rsl_a": {"a"},
    "rsl_other": {"b"},
    "national": {"a", "b", "la"},
    "admin": set(),
}
ALL_PLANS = ("a", "a_draft", "b", "la")
SUBMITTED_PLANS = ("a", "b", "la")
ALLOWED = frozenset({200, 302, 409, 422})


@dataclass(frozen=True)
class Rule:
    who: frozenset
    plans: tuple = ()  # plan keys to try when the URL names a plan; empty: the URL names none
    form: tuple = ()  # extra (name, value) pairs posted with the CSRF token
    allowed: frozenset = ALLOWED  # statuses that mean "let in"

    @property
    def public(self) -> bool:
        return "anonymous" in self.who


def plan_rule(who, plans=ALL_PLANS, **kwargs) -> Rule:
    return Rule(frozenset(who), plans, **kwargs)


RULES: dict[str, Rule] = {
    # Public pages.
    "main.index": Rule(ANYONE),
    "main.accessibility": Rule(ANYONE),
    "main.healthz": Rule(ANYONE),
    "public.status": Rule(ANYONE),
    "auth.sign_in": Rule(ANYONE),
    # Any signed-in person.
    "auth.sign_out": Rule(SIGNED_IN),
    "auth.change_password": Rule(SIGNED_IN),
    "downloads.verify": Rule(SIGNED_IN),
    # A plan's history and downloads: whoever may see the plan.
    "history.plan_history": plan_rule(SIGNED_IN),
    "history.plan_history_csv": plan_rule(SIGNED_IN),
    "downloads.plan_pdf": plan_rule(SIGNED_IN),
    "downloads.plan_xlsx": plan_rule(SIGNED_IN),
    "downloads.plan_csv": plan_rule(SIGNED_IN),
    "downloads.submission_pdf": plan_rule(SIGNED_IN, SUBMITTED_PLANS),
    # The organisation's own plans.
    "plans.home": Rule(ORG),
    "plans.start": Rule(ORG),
    "plans.edit": plan_rule(ORG),
    "plans.status_panels": plan_rule(ORG),
    "plans.add_items": plan_rule(ORG),
    "plans.save_row": plan_rule(ORG, form=(("version", "1"),)),
    "plans.check_row": plan_rule(ORG, form=(("version", "1"),)),
    "plans.remove_row": plan_rule(ORG),
    "plans.submit": plan_rule(ORG),
    "plans.sign_off": plan_rule(SIGNATORY),  # only a signatory signs off
    "imports.upload": plan_rule(ORG),
    # Without a signed preview the apply step is refused as a broken request, after the access checks.
    "imports.apply": plan_rule(ORG, allowed=frozenset({400})),
    "progress.plan_progress": plan_rule(ORG),
    "progress.save_row": plan_rule(ORG),
    "progress.submit_update": plan_rule(ORG),
    "progress.submit_completion": plan_rule(ORG),
    # Reviewers.
    "reviews.queue": Rule(REVIEWERS),
    "reviews.dashboard": Rule(REVIEWERS),
    "reviews.overdue_csv": Rule(REVIEWERS),
    "reviews.review": plan_rule(REVIEWERS),
    "reviews.decide": plan_rule(REVIEWERS),
    "reviews.assign": plan_rule(REVIEWERS),
    "reviews.comment": plan_rule(REVIEWERS),
    # Administrators.
    "admin.index": Rule(ADMIN),
    "admin.organisations": Rule(ADMIN),
    "admin.organisation": Rule(ADMIN),
    "admin.users": Rule(ADMIN),
    "admin.user": Rule(ADMIN),
    "admin.reset_password": Rule(ADMIN),
    "admin.catalogue": Rule(ADMIN),
    "admin.outbox": Rule(ADMIN),
}


def _routes():
    """(endpoint, rule, method) for every route, read from a real app's URL map at collection."""
    app = create_app(
        {
            "SECRET_KEY": "collect",
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tempfile.gettempdir()}/dspt-url-map-never-opened.db",
        }
    )
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(pytest.param(rule.endpoint, rule.rule, method, id=f"{method} {rule.rule}"))
    return routes


ROUTES = _routes()


def test_every_route_has_a_declared_rule_and_no_rule_is_stale():
    endpoints = {p.values[0] for p in ROUTES}
    assert sorted(endpoints - set(RULES)) == [], "new routes: declare who may use them in RULES"
    assert sorted(set(RULES) - endpoints) == [], "rules for routes that no longer exist"


def _url(rule: str, world, plan_key: str | None) -> str:
    plan = world.plans[plan_key] if plan_key else None
    values = {
        "plan_id": plan.id if plan else None,
        "row_id": world.row(plan_key).id if plan else None,
        "number": 1,
        "year_label": "2022-23",
        "org_id": world.orgs["a"].id,
        "user_id": world.people["spare"].id,
    }
    url = rule
    for name, value in values.items():
        for converter in ("int:", ""):
            url = url.replace(f"<{converter}{name}>", str(value))
    assert "<" not in url, f"fill in the parameters of {rule} in _url()"
    return url


def _expected(rule: Rule, who: str, plan_key: str | None) -> str:
    if rule.public:
        return "allowed"
    if who == "anonymous":
        return "sign-in"
    if who not in rule.who:
        return "403"
    if plan_key and plan_key not in SCOPE[who]:
        return "404"
    return "allowed"


def _outcome(response, rule: Rule) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/sign-in?next="):
        return "sign-in"
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code in rule.allowed:
        return "allowed"
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize(("endpoint", "url_rule", "method"), ROUTES)
def test_route_lets_in_exactly_who_the_table_says(app, make, endpoint, url_rule, method):
    assert endpoint in RULES, f"{endpoint} ({url_rule}) has no entry in RULES: decide who may use it"
    rule = RULES[endpoint]
    world = build_world(make)
    has_plan = "<int:plan_id>" in url_rule
    mismatches = []
    for who in sorted(ANYONE):
        for plan_key in (rule.plans or ALL_PLANS) if has_plan else (None,):
            client = PageClient(app.test_client())
            if who != "anonymous":
                sign_in_as(app, client, world.people[who])
            url = _url(url_rule, world, plan_key)
            if method == "GET":
                response = client.get(url, check=False)
            else:
                response = client.post(url, list(rule.form), check=False)
            expected, got = _expected(rule, who, plan_key), _outcome(response, rule)
            if expected != got:
                mismatches.append(f"{who} {method} {url} (plan {plan_key}): expected {expected}, got {got}")
    assert mismatches == []
