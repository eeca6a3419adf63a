"""The ONE place that scopes data to the signed-in user: every plan lookup comes through here."""

from flask import abort
from peewee import JOIN

from . import roles
from .domain.orgs import REGIONAL_TYPES
from .models import EvidenceItem, Organisation, Plan, PlanRow, Region, ToolkitYear
from .prepared import Prepared, mark


def _visible(role: str, organisation_id, region_id):
    """The condition on Plan/Organisation for what a user in this role may see."""
    if role in roles.ORGANISATION_ROLES:
        return Plan.organisation == organisation_id
    if role == roles.NATIONAL_REVIEWER:
        return Plan.state != "draft"
    if role == roles.REGIONAL_REVIEWER:
        # Local Authority and ALB plans go to the national team, not to regions.
        return (
            (Plan.state != "draft")
            & (Organisation.region == region_id)
            & (Organisation.org_type.in_(REGIONAL_TYPES))
        )
    return None  # administrators manage accounts, not plans


def _with_context(query):
    """Join a plan query with the organisation, region and year every page shows."""
    return query.join(Organisation).join(Region, JOIN.LEFT_OUTER).switch(Plan).join(ToolkitYear)


def visible_plans(user):
    """Plans the user may see, joined with organisation, region and year for listing."""
    condition = _visible(user.role, user.organisation_id, user.region_id)
    query = _with_context(Plan.select(Plan, Organisation, ToolkitYear, Region))
    return query.where(False if condition is None else condition)


# By role; arguments: organisation id, region id, plan id (and row id).
_plan_lookup = Prepared(
    lambda role: (
        _with_context(Plan.select(Plan, Organisation, ToolkitYear, Region))
        .where((_visible(role, mark(0), mark(1)) or False) & (Plan.id == mark(2)))
        .limit(1)
    )
)
# What editing a row reads: the whole row, its evidence item, and the plan's state, version and
# year. The live date check needs only the row's key and version and the year's limit. (Fewer
# columns is less work on every keystroke; the organisation is joined only for the regional
# reviewers' condition.)
_ROW_COLUMNS = {
    "edit": (
        PlanRow,
        EvidenceItem.id,
        EvidenceItem.ref,
        EvidenceItem.standard,
        EvidenceItem.standard_title,
        EvidenceItem.assertion,
        EvidenceItem.text,
    ),
    "check": (
        PlanRow.id,
        PlanRow.plan,
        PlanRow.evidence_item,
        PlanRow.version,
        EvidenceItem.id,
        EvidenceItem.ref,
    ),
}
_PLAN_COLUMNS = (
    Plan.id,
    Plan.organisation,
    Plan.toolkit_year,
    Plan.state,
    Plan.version,
    ToolkitYear.id,
    ToolkitYear.label,
    ToolkitYear.latest_completion_date,
)
_row_lookup = Prepared(
    lambda variant: (
        PlanRow.select(*_ROW_COLUMNS[variant[1]], *_PLAN_COLUMNS)
        .join(EvidenceItem)
        .switch(PlanRow)
        .join(Plan)
        .join(Organisation)
        .switch(Plan)
        .join(ToolkitYear)
        .where(
            (_visible(variant[0], mark(0), mark(1)) or False) & (Plan.id == mark(2)) & (PlanRow.id == mark(3))
        )
        .limit(1)
    )
)


def get_plan_or_404(user, plan_id: int) -> Plan:
    """The plan if this user may see it; another organisation's plan is simply not found."""
    plan = _plan_lookup.first(user.role, user.organisation_id, user.region_id, plan_id)
    if plan is None:
        abort(404)
    return plan


def get_plan_row_or_404(user, plan_id: int, row_id: int, purpose: str = "edit") -> tuple[Plan, PlanRow]:
    """A row of a plan this user may see, with its evidence item, in one query (the editor's
    autosave and live validation run this on every change). `purpose` "check" reads only what
    the live date check needs."""
    row = _row_lookup.first((user.role, purpose), user.organisation_id, user.region_id, plan_id, row_id)
    if row is None:
        abort(404)
    return row.plan, row


def get_row_or_404(plan: Plan, row_id: int) -> PlanRow:
    # With its evidence item: every caller shows or records the row's ref.
    row = (
        PlanRow.select(PlanRow, EvidenceItem)
        .join(EvidenceItem)
        .where((PlanRow.id == row_id) & (PlanRow.plan == plan.id))
        .first()
    )
    if row is None:
        abort(404)
    return row
