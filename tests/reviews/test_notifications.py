"""E-mail: the outbox, a real SMTP server on loopback, and send-reminders run twice."""

from collections import Counter

from dspt_portal import notifications
from dspt_portal.models import OutboxMessage


def _run(app):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def _subjects(sink):
    return Counter((tuple(rcpt), message["Subject"]) for rcpt, message in sink.messages)


def test_send_reminders_twice_sends_each_notice_once(app, people, smtp_server):
    plan = people.agreed(people.trust)  # agreed on 17 July 2023; first update due 30 September
    org_users = sorted(u.email for u in people.trust.users)
    app.config["PORTAL_TODAY"] = "2023-09-20"
    output = _run(app)
    assert "2023-09-20: queued 2 notices" in output
    _run(app)
    sent = _subjects(smtp_server)
    reminders = {rcpt for (rcpt,), subject in sent if subject == "Progress update due by 30 September 2023"}
    assert reminders == set(org_users)
    assert all(n == 1 for n in sent.values()), sent
    # The decision e-mail waiting in the outbox went out with them.
    assert any(s.startswith("Your 2022-23 improvement plan: agree") for (_, s) in sent)

    app.config["PORTAL_TODAY"] = "2023-10-20"  # overdue since 30 September, escalated on 14 October
    _run(app)
    _run(app)
    sent = _subjects(smtp_server)
    assert all(n == 1 for n in sent.values()), sent
    overdue = {r for (r,), s in sent if s == "Progress update overdue since 30 September 2023"}
    assert overdue == set(org_users)
    escalated = {r for (r,), s in sent if s.startswith("Escalation: Riverside NHS Trust")}
    assert escalated == {people.national.email, people.rsl_london.email}
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
    message = next(m for _, m in smtp_server.messages if m["Subject"].startswith("Escalation"))
    assert f"/reviews/plans/{plan.id}" in message.get_content()


def test_submission_emails_go_to_the_responsible_reviewers(client, people, make):
    editor = people.trust_editor
    plan = make.signed_off(make.complete_plan(people.trust, by=editor))
    client.sign_in(editor.email)
    assert client.post(f"/plans/{plan.id}/submit").status_code == 302
    to = {m.recipient for m in OutboxMessage.select().where(OutboxMessage.kind == "submitted_plan")}
    assert to == {people.rsl_london.email, people.national.email}
    la_plan = people.submitted(people.la)
    from dspt_portal.models import Submission

    notifications.plan_submitted(la_plan, Submission.get(Submission.plan == la_plan.id))
    to = {
        m.recipient
        for m in OutboxMessage.select().where(
            (OutboxMessage.kind == "submitted_plan") & (OutboxMessage.plan == la_plan.id)
        )
    }
    assert to == {people.national.email}  # Local Authorities go to the national team only


def test_queue_message_is_idempotent_by_dedupe_key(make):
    assert notifications.queue_message("a@example.org", "Hi", "Body", "test", dedupe_key="k1") is not None
    assert notifications.queue_message("a@example.org", "Hi", "Body", "test", dedupe_key="k1") is None
    assert OutboxMessage.select().count() == 1


def test_without_a_mail_server_messages_wait_in_the_outbox(app, make):
    notifications.queue_message("a@example.org", "Hi", "Body", "test")
    output = _run(app)
    assert "MAIL_SERVER is not set" in output
    assert OutboxMessage.get().sent_at is None


def test_a_failing_server_is_recorded_and_retried(app, make):
    notifications.queue_message("a@example.org", "Hi", "Body", "test")
    from tests.reviews.conftest import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    assert "1 failed" in _run(app)
    message = OutboxMessage.get()
    assert message.sent_at is None and "Could not connect" in message.error
