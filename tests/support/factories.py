"""Factories that read like the domain: make.organisation(), make.user(), make.plan(...)."""

import itertools

from dspt_portal import passwords, roles
from dspt_portal import plans as plan_verbs
from dspt_portal.domain.validation import MilestoneInput, RowInput
from dspt_portal.models import EvidenceItem, Organisation, Region, ToolkitYear, User

PASSWORD = "demo-password-1"
_HASH = None
_counter = itertools.count(1)


def good_row(**overrides) -> RowInput:
    values = dict(
        current_position="Policy exists but is out of date and not communicated to staff.",
        actions="Rewrite the policy, approve it at the IG group and brief every team on it.",
        milestones=[MilestoneInput("Draft policy to IG group", "30/09/2023")],
        completion_date="31/12/2023",
        owner="Jo Bloggs, Head of IG",
        covid_impact="no",
    )
    values.update(overrides)
    return RowInput(**values)


def row_form(row, **overrides) -> dict:
    """What the editor posts for a complete, valid row (override any field)."""
    data = {
        "version": row.version,
        "current_position": "Policy exists but is out of date.",
        "actions": "Rewrite the policy, approve it at the IG group and brief every team.",
        "milestones-0-description": "Draft to IG group",
        "milestones-0-date": "30/09/2023",
        "completion_date": "31/12/2023",
        "owner": "Jo Bloggs, Head of IG",
        "covid_impact": "no",
    }
    data.update(overrides)
    return data


class Factories:
    def region(self, name="London"):
        return Region.get(Region.name == name)

    def year(self, label="2022-23"):
        return ToolkitYear.get(ToolkitYear.label == label)

    def organisation(self, *, name=None, org_type="Local Authority", region="London", ods_code=None):
        n = next(_counter)
        return Organisation.create(
            ods_code=ods_code or f"Z{n:03d}"[:5],
            name=name or f"Test organisation {n}",
            org_type=org_type,
            region=self.region(region) if region else None,
        )

    def user(
        self, role=roles.ORG_EDITOR, *, organisation=None, region=None, email=None, full_name="Test User"
    ):
        global _HASH
        _HASH = _HASH or passwords.hash_password(PASSWORD)
        n = next(_counter)
        return User.create(
            email=email or f"user{n}@example.org",
            full_name=full_name,
            role=role,
            password_hash=_HASH,
            organisation=organisation,
            region=self.region(region) if region else None,
        )

    def plan(self, organisation, refs=("1.1.4", "3.2.1"), *, year="2022-23", by=None, rows=None, today=None):
        """A draft plan; `rows` maps ref -> RowInput to fill rows in."""
        from tests.conftest import TODAY

        today = today or TODAY
        by = by or self.user(organisation=organisation)
        year = self.year(year)
        items = {
            i.ref: i
            for i in EvidenceItem.select().where(
                (EvidenceItem.toolkit_year == year.id) & EvidenceItem.ref.in_(list(refs))
            )
        }
        plan = plan_verbs.start_plan(by, organisation, year, [(items[r], False) for r in refs], today)
        for row in plan_verbs.load_rows(plan):
            values = (rows or {}).get(row.evidence_item.ref)
            if values is not None:
                plan_verbs.save_row(by, plan, row, plan_verbs.RowEdit(values, False, row.version), today)
        return plan_verbs.Plan.get_by_id(plan.id)

    def complete_plan(self, organisation, refs=("1.1.4", "3.2.1"), **kwargs):
        return self.plan(organisation, refs, rows={r: good_row() for r in refs}, **kwargs)

    def signed_off(self, plan, signatory=None):
        from tests.conftest import TODAY

        signatory = signatory or self.user(roles.ORG_SIGNATORY, organisation=plan.organisation)
        plan_verbs.record_sign_off(
            signatory,
            plan,
            name="Sam Patel",
            role="SIRO",
            board="Audit Committee",
            meeting_date=TODAY,
            minute_reference="AC/1",
        )
        return plan

    def submitted(self, plan, by=None):
        from tests.conftest import TODAY

        by = by or self.user(organisation=plan.organisation)
        plan_verbs.submit(by, plan, TODAY)
        return plan_verbs.Plan.get_by_id(plan.id)
