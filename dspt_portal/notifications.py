"""E-mail through an outbox: queue inside the caller's transaction, deliver later over SMTP.

Every message is an OutboxMessage first, so a failed SMTP server never loses or rolls back a
decision, and a dedupe_key makes reminders idempotent: running send-reminders twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext
from peewee import IntegrityError

from . import roles
from .domain.dates import format_long
from .domain.deadlines import notices_due
from .domain.orgs import REGIONAL_TYPES
from .extensions import db
from .models import Organisation, OutboxMessage, Plan, Submission, ToolkitYear, User, utcnow

SUBMISSION_KINDS = {
    "plan": "an improvement plan",
    "progress": "a progress update",
    "completion": "a completed improvement plan",
}
DECISION_TEXT = {
    "agree": "NHS England agreed your improvement plan. Your toolkit status is now Approaching Standards.",
    "accept_by_exception": "NHS England accepted your improvement plan by exception. Your toolkit status "
    "is now Approaching Standards.",
    "request_changes": "NHS England asked for changes to your improvement plan.",
    "acknowledge_progress": "NHS England acknowledged your progress update.",
    "confirm_completion": "NHS England confirmed your improvement plan is complete. Your toolkit status "
    "is now Standards Met.",
    "return_completion": "NHS England returned your completed improvement plan.",
}


def queue_message(
    recipient: str, subject: str, body: str, kind: str, plan=None, dedupe_key: str | None = None
) -> OutboxMessage | None:
    """Queue one e-mail; a repeated dedupe_key is ignored (returns None)."""
    subject = " ".join((subject or "").split())[:300]  # no line breaks in a header
    try:
        with db.atomic():  # a savepoint: a duplicate must not undo the caller's work
            return OutboxMessage.create(
                recipient=recipient, subject=subject, body=body, kind=kind, plan=plan, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None


def _link(path: str) -> str:
    base = current_app.config.get("PORTAL_BASE_URL", "") if has_app_context() else ""
    return base.rstrip("/") + path


def _reference(plan: Plan) -> str:
    return f"IP-{plan.toolkit_year.label}-{plan.organisation.ods_code}-{plan.id}"


def reviewers_of(organisation: Organisation) -> list[User]:
    """The national team always; the region's Regional Security Leads for regional types."""
    condition = User.role == roles.NATIONAL_REVIEWER
    if organisation.org_type in REGIONAL_TYPES and organisation.region_id:
        condition |= (User.role == roles.REGIONAL_REVIEWER) & (User.region == organisation.region_id)
    return list(User.select().where(condition & (User.active == True)).order_by(User.email))  # noqa: E712


def organisation_users(organisation_id: int) -> list[User]:
    return list(
        User.select()
        .where(
            (User.organisation == organisation_id)
            & (User.active == True)  # noqa: E712
            & User.role.in_(roles.ORGANISATION_ROLES)
        )
        .order_by(User.email)
    )


def plan_submitted(plan: Plan, submission: Submission) -> int:
    """Tell the responsible reviewers about a plan, progress update or completed plan."""
    org = plan.organisation
    what = SUBMISSION_KINDS.get(submission.kind, "a submission")
    subject = f"{org.name} ({org.ods_code}) submitted {what} for {plan.toolkit_year.label}"
    body = (
        f"{org.name} ({org.ods_code}, {org.org_type}) submitted {what} "
        f"(submission {submission.number}, {_reference(plan)}).\n\n"
        f"Review it: {_link(f'/reviews/plans/{plan.id}')}\n"
    )
    queued = 0
    for user in reviewers_of(org):
        queued += bool(
            queue_message(
                user.email,
                subject,
                body,
                f"submitted_{submission.kind}",
                plan,
                dedupe_key=f"submitted:{submission.id}:{user.email}",
            )
        )
    return queued


def decision_made(plan: Plan, decision) -> int:
    """Tell the organisation's users what NHS England decided."""
    org = plan.organisation
    subject = f"Your {plan.toolkit_year.label} improvement plan: {decision.action.replace('_', ' ')}"
    lines = [DECISION_TEXT.get(decision.action, "NHS England reviewed your improvement plan."), ""]
    if decision.reason:
        lines += ["Reason:", decision.reason, ""]
    if decision.call_with_rsl:
        lines += ["Your Regional Security Lead will contact you to arrange a call about the plan.", ""]
    if decision.action == "request_changes":
        lines += ["Update the plan, ask your signatory to sign it off again, then resubmit it.", ""]
    lines.append(f"See the plan: {_link(f'/plans/{plan.id}')}")
    body = "\n".join(lines) + "\n"
    queued = 0
    for user in organisation_users(org.id):
        queued += bool(
            queue_message(
                user.email,
                subject,
                body,
                decision.action,
                plan,
                dedupe_key=f"decision:{decision.id}:{user.email}",
            )
        )
    return queued


# ---- Reminders, overdue and escalation notices ---------------------------------------------

NOTICE_TEXT = {
    "reminder": (
        "Progress update due by {due}",
        "A progress update on your {year} improvement plan is due by {due}. "
        "Record progress and send the update: {link}",
    ),
    "overdue": (
        "Progress update overdue since {due}",
        "We have not received the progress update on your {year} improvement plan that was due "
        "by {due}. Send it now: {link}",
    ),
    "escalation": (
        "Escalation: {org} has not sent its progress update due {due}",
        "{org} ({ods}, {org_type}) has not sent the progress update on its {year} improvement plan "
        "that was due by {due}. Please obtain it.{dhsc}\n\nPlan: {link}",
    ),
}


def queue_due_notices(today: dt.date) -> int:
    """Queue every reminder, overdue and escalation notice due today for agreed plans; idempotent."""
    from .reviews import year_dates

    plans = list(
        Plan.select(Plan, Organisation, ToolkitYear)
        .join(Organisation)
        .switch(Plan)
        .join(ToolkitYear)
        .where((Plan.state == "agreed") & Plan.agreed_on.is_null(False))
    )
    if not plans:
        return 0
    ids = [p.id for p in plans]
    updates: dict[int, list] = {}
    for plan_id, submitted_at in (
        Submission.select(Submission.plan, Submission.submitted_at)
        .where((Submission.kind == "progress") & Submission.plan.in_(ids))
        .tuples()
    ):
        updates.setdefault(plan_id, []).append(submitted_at)
    users = list(User.select().where(User.active == True))  # noqa: E712
    queued = 0
    for plan in plans:
        org = plan.organisation
        notices = notices_due(year_dates(plan.toolkit_year), plan.agreed_on, updates.get(plan.id, []), today)
        for notice in notices:
            due = format_long(notice.due)
            if notice.kind == "escalation":
                recipients = [
                    u
                    for u in users
                    if u.role == roles.NATIONAL_REVIEWER
                    or (
                        u.role == roles.REGIONAL_REVIEWER
                        and org.org_type in REGIONAL_TYPES
                        and u.region_id == org.region_id
                    )
                ]
                link = _link(f"/reviews/plans/{plan.id}")
            else:
                recipients = [
                    u for u in users if u.organisation_id == org.id and u.role in roles.ORGANISATION_ROLES
                ]
                link = _link(f"/plans/{plan.id}/progress")
            subject, body = NOTICE_TEXT[notice.kind]
            values = dict(
                due=due,
                year=plan.toolkit_year.label,
                link=link,
                org=org.name,
                ods=org.ods_code,
                org_type=org.org_type,
                dhsc=" As an Arm's Length Body, escalate to DHSC."
                if org.org_type == "Arm's Length Body"
                else "",
            )
            for user in recipients:
                queued += bool(
                    queue_message(
                        user.email,
                        subject.format(**values),
                        body.format(**values) + "\n",
                        notice.kind,
                        plan,
                        dedupe_key=f"{notice.key}:plan{plan.id}:{user.email}",
                    )
                )
    return queued


# ---- Delivery -------------------------------------------------------------------------------


def deliver_pending(app, limit: int = 500) -> tuple[int, int]:
    """Send unsent messages over SMTP; returns (sent, failed). Does nothing without MAIL_SERVER."""
    config = app.config
    if not config.get("MAIL_SERVER"):
        return 0, 0
    pending = list(
        OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).order_by(OutboxMessage.id).limit(limit)
    )
    if not pending:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT") or 25, timeout=30)
    except OSError as exc:
        _fail(pending, f"Could not connect to the mail server: {exc}")
        return 0, len(pending)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for message in pending:
            email = EmailMessage()
            email["From"] = config.get("MAIL_FROM") or "dspt-plans@example.org"
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email["Message-ID"] = make_msgid(domain="dspt-plans")
            email.set_content(message.body)
            try:
                smtp.send_message(email)
            except (smtplib.SMTPException, OSError) as exc:
                _fail([message], str(exc))
                failed += 1
                continue
            # Mark each one as soon as it is accepted, so a crash part-way never resends it.
            (OutboxMessage.update(sent_at=utcnow(), error="").where(OutboxMessage.id == message.id).execute())
            sent += 1
    return sent, failed


def _fail(messages, error: str) -> None:
    (OutboxMessage.update(error=error[:1000]).where(OutboxMessage.id.in_([m.id for m in messages])).execute())


@click.command("send-reminders")
@with_appcontext
def send_reminders_command():
    """Queue due progress reminders, overdue and escalation notices, then send every pending e-mail."""
    from . import clock

    today = clock.today()
    with db.connection_context():
        with db.atomic():
            queued = queue_due_notices(today)
        sent, failed = deliver_pending(current_app)
    click.echo(
        f"{today.isoformat()}: queued {queued} notices; sent {sent} e-mails"
        + (f"; {failed} failed (see the outbox)" if failed else "")
    )
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("MAIL_SERVER is not set: e-mails stay in the outbox.")


def init_app(app):
    app.cli.add_command(send_reminders_command)
