"""A plan's history: every audit event, readable on a page and as a formula-safe CSV."""

import csv
import io

from flask import Blueprint, Response, render_template
from flask_login import current_user
from peewee import JOIN

from ..exports.safety import neutralise
from ..models import AuditEvent, User
from ..queries import get_plan_or_404
from ..security import signed_in

bp = Blueprint("history", __name__)


def _events(plan):
    return list(
        AuditEvent.select(AuditEvent, User)
        .join(User, JOIN.LEFT_OUTER)
        .where(AuditEvent.plan == plan.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )


@bp.route("/plans/<int:plan_id>/history")
@signed_in
def plan_history(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    return render_template("history/plan.html", plan=plan, events=_events(plan))


@bp.route("/plans/<int:plan_id>/history.csv")
@signed_in
def plan_history_csv(plan_id: int):
    plan = get_plan_or_404(current_user, plan_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["When (UTC)", "Who", "Role", "What", "Summary"])
    for event in _events(plan):
        actor = event.actor
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    event.created_at.isoformat(timespec="seconds"),
                    actor.full_name if actor else "System",
                    actor.role if actor else "",
                    event.action,
                    event.summary,
                )
            ]
        )
    name = f"IP-{plan.toolkit_year.label}-{plan.organisation.ods_code}-{plan.id}-history.csv"
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
