"""The ONE place that scopes data to the signed-in user: every plan lookup comes through here."""

from flask import abort
from peewee import JOIN

from . import roles
from .domain.orgs import REGIONAL_TYPES
from .models import EvidenceItem, Organisation, Plan, PlanRow, Region, ToolkitYear


def visible_plans(user):
    """Plans the user may see, joined with organisation, region and year for listing."""
    query = (
        Plan.select(Plan, Organisation, ToolkitYear, Region)
        .join(Organisation)
        .join(Region, JOIN.LEFT_OUTER)
        .switch(Plan)
        .join(ToolkitYear)
    )
    if user.role in roles.ORGANISATION_ROLES:
        return query.where(Plan.organisation == user.organisation_id)
    if user.role == roles.NATIONAL_REVIEWER:
        return query.where(Plan.state != "draft")
    if user.role == roles.REGIONAL_REVIEWER:
        # Local Authority and ALB plans go to the national team, not to regions.
        return query.where(
            (Plan.state != "draft")
            & (Organisation.region == user.region_id)
            & (Organisation.org_type.in_(REGIONAL_TYPES))
        )
    return query.where(False)  # administrators manage accounts, not plans


def get_plan_or_404(user, plan_id: int) -> Plan:
    """The plan if this user may see it; another organisation's plan is simply not found."""
    plan = visible_plans(user).where(Plan.id == plan_id).first()
    if plan is None:
        abort(404)
    return plan


def get_row_or_404(plan: Plan, row_id: int) -> PlanRow:
    # With its evidence item: every caller shows or records the row's ref.
    row = (PlanRow.select(PlanRow, EvidenceItem).join(EvidenceItem)
           .where((PlanRow.id == row_id) & (PlanRow.plan == plan.id)).first())
    if row is None:
        abort(404)
    return row
