"""The append-only audit trail: one call per change, inside the caller's transaction."""

from .models import AuditEvent, utcnow
from .prepared import Prepared, param

# Compiled once: every autosave that changes a row records an event.
_insert = Prepared(
    lambda _: AuditEvent.insert(
        actor=param(0),
        action=param(1),
        summary=param(2),
        plan=param(3),
        organisation=param(4),
        before=param(5),
        after=param(6),
        created_at=param(7),
    )
)


def record(actor, action: str, summary: str, *, plan=None, organisation=None, before=None, after=None):
    """Append an audit event; `actor` may be a User, a SignedInUser or None (system)."""
    organisation = organisation or (plan.organisation_id if plan is not None else None)
    _insert.execute(
        None,
        getattr(actor, "id", None),
        action,
        summary,
        getattr(plan, "id", plan),
        getattr(organisation, "id", organisation),
        AuditEvent.before.db_value(before),
        AuditEvent.after.db_value(after),
        utcnow(),
    )
