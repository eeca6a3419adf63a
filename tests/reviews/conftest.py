"""Reviews fixtures: plans in each state, reviewers per region, and a real SMTP server on loopback."""

import socket

import pytest

from dspt_portal import reviews, roles
from dspt_portal.models import Plan, Submission
from tests.conftest import TODAY


class People:
    """Reviewers and organisation users who appear in most review tests."""

    def __init__(self, make):
        self.make = make
        self.rsl_london = make.user(
            roles.REGIONAL_REVIEWER, region="London", email="rsl.london@example.org", full_name="Ravi Singh"
        )
        self.rsl_midlands = make.user(
            roles.REGIONAL_REVIEWER, region="Midlands", email="rsl.midlands@example.org", full_name="Mo Ahmed"
        )
        self.national = make.user(
            roles.NATIONAL_REVIEWER, email="dspt.team@example.org", full_name="Dana Fields"
        )
        self.trust = make.organisation(name="Riverside NHS Trust", org_type="NHS Trust", region="London")
        self.la = make.organisation(
            name="Northshire County Council", org_type="Local Authority", region="London"
        )
        self.trust_editor = make.user(
            organisation=self.trust, email="trust.editor@example.org", full_name="Tara Okafor"
        )
        self.la_editor = make.user(
            organisation=self.la, email="la.editor@example.org", full_name="Lee Ashworth"
        )

    def submitted(self, org=None, **kwargs) -> Plan:
        make = self.make
        org = org or self.trust
        editor = next(iter(org.users), None) or make.user(organisation=org)
        plan = make.submitted(make.signed_off(make.complete_plan(org, by=editor, **kwargs)), by=editor)
        return on_portal_clock(plan)

    def agreed(self, org=None, *, by=None, today=TODAY) -> Plan:
        plan = self.submitted(org)
        reviews.decide(by or self.national, plan, "agree", today=today)
        return Plan.get_by_id(plan.id)


def on_portal_clock(plan: Plan, today=TODAY) -> Plan:
    """plans.submit stamps the real time; put the latest submission on the portal's (fixed) today."""
    when = reviews.stamp(today)
    latest = plan.submissions.order_by(Submission.number.desc()).get()
    Submission.update(submitted_at=when).where(Submission.id == latest.id).execute()
    Plan.update(submitted_at=when).where(Plan.id == plan.id).execute()
    return Plan.get_by_id(plan.id)


@pytest.fixture
def people(make):
    return People(make)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1; the app is configured to send to it."""
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        yield sink
    finally:
        controller.stop()
