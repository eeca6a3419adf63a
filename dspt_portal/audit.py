"""The append-only audit trail: one call per change, inside the caller's transaction."""

from .models import AuditEvent


def record(actor, action: str, summary: str, *, plan=None, organisation=None, before=None, after=None):
    """Append an audit event; `actor` may be a User, a SignedInUser or None (system)."""
    actor_id = getattr(actor, "id", None)
    AuditEvent.create(
        actor=actor_id,
        action=action,
        summary=summary,
        plan=plan,
        organisation=organisation or (plan.organisation_id if plan is not None else None),
        before=before,
        after=after,
    )
