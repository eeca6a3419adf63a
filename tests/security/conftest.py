"""Fixtures for the security suite: a small world of organisations, plans and people in every role."""

from dataclasses import dataclass, field

import pytest
from flask_login.utils import _create_identifier

from dspt_portal import roles
from dspt_portal.models import PlanRow, utcnow
from tests.support.client import PageClient


@dataclass
class World:
    """Two NHS Trusts in different regions, a London Local Authority, and one person per role.

    plans: "a" (org A, London NHS Trust, submitted 2022-23), "a_draft" (org A, draft 2021-22),
    "b" (org B, North West NHS Trust, submitted), "la" (London Local Authority, submitted).
    """

    orgs: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)

    def row(self, plan_key: str) -> PlanRow:
        return PlanRow.select().where(PlanRow.plan == self.plans[plan_key].id).order_by(PlanRow.id).first()


def build_world(make) -> World:
    world = World()
    world.orgs["a"] = make.organisation(name="Riverside NHS Trust", org_type="NHS Trust", region="London")
    world.orgs["b"] = make.organisation(name="Northgate NHS Trust", org_type="NHS Trust", region="North West")
    world.orgs["la"] = make.organisation(
        name="Northshire County Council", org_type="Local Authority", region="London"
    )
    people = world.people
    people["editor_a"] = make.user(
        roles.ORG_EDITOR, organisation=world.orgs["a"], email="editor.a@example.org"
    )
    people["signatory_a"] = make.user(
        roles.ORG_SIGNATORY, organisation=world.orgs["a"], email="siro.a@example.org"
    )
    people["editor_b"] = make.user(
        roles.ORG_EDITOR, organisation=world.orgs["b"], email="editor.b@example.org"
    )
    people["rsl_a"] = make.user(roles.REGIONAL_REVIEWER, region="London", email="rsl.london@example.org")
    people["rsl_other"] = make.user(roles.REGIONAL_REVIEWER, region="North West", email="rsl.nw@example.org")
    people["national"] = make.user(roles.NATIONAL_REVIEWER, email="dspt.team@example.org")
    people["admin"] = make.user(roles.ADMIN, email="admin@example.org")
    # Someone for administrators' forms to act on, who is not one of the people signing in.
    people["spare"] = make.user(roles.ORG_EDITOR, organisation=world.orgs["b"], email="spare@example.org")
    for key in ("a", "b", "la"):
        org = world.orgs[key]
        editor = people["editor_a"] if key == "a" else people["editor_b"] if key == "b" else None
        plan = make.complete_plan(org, by=editor)
        world.plans[key] = make.submitted(make.signed_off(plan), by=editor)
    world.plans["a_draft"] = make.plan(
        world.orgs["a"], refs=("1.1.2", "1.1.3"), year="2021-22", by=people["editor_a"]
    )
    return world


def sign_in_as(app, client: PageClient, user) -> PageClient:
    """Start a signed-in session for `user` without the password round trip (Argon2 is slow on
    purpose; the sign-in form itself is tested in tests/views/test_auth.py)."""
    with app.test_request_context(environ_base=client.raw.environ_base):
        identifier = _create_identifier()
    with client.raw.session_transaction() as session:
        session.clear()
        session["_user_id"] = f"{user.id}.{user.session_epoch}"
        session["_fresh"] = True
        session["_id"] = identifier
        session["signed_in_at"] = session["last_seen"] = utcnow().isoformat()
        session.permanent = True
    client.csrf = None
    return client


@pytest.fixture
def world(app, make) -> World:
    return build_world(make)


@pytest.fixture
def as_user(app):
    """as_user(user) -> a PageClient signed in as that user (None: anonymous)."""

    def make_client(user=None) -> PageClient:
        client = PageClient(app.test_client())
        return sign_in_as(app, client, user) if user is not None else client

    return make_client
