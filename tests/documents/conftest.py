"""Documents fixtures: an NHS trust, its editor and a 30-row plan spread over the standards."""

import pytest

from dspt_portal import roles
from dspt_portal.domain.validation import MilestoneInput
from dspt_portal.models import EvidenceItem, Plan, ToolkitYear
from tests.support.factories import good_row

OWNERS = (
    "Jo Bloggs, Head of IG",
    "Priya Shah, IT Security Manager",
    "Tom Reid, Records Manager",
    "Ana Costa, Data Protection Officer",
    "Ben Okoro, Head of Digital Services",
)


def thirty_refs() -> list[str]:
    """Every fourth 2022-23 evidence item: 30 rows across most standards."""
    year = ToolkitYear.get(ToolkitYear.label == "2022-23")
    items = EvidenceItem.select().where(EvidenceItem.toolkit_year == year.id)
    refs = sorted((i.ref for i in items), key=lambda r: tuple(int(p) for p in r.split(".")))
    return refs[::4][:30]


def varied_row(n: int):
    return good_row(
        current_position=f"Gap {n + 1}: the control is partly in place but not documented or tested.",
        actions=f"Agree the approach at the IG group, carry out the work and test it (item {n + 1}).",
        milestones=[
            MilestoneInput("Approach agreed at IG group", "30/09/2023"),
            MilestoneInput("Work completed and tested", "30/11/2023"),
        ],
        owner=OWNERS[n % len(OWNERS)],
        completion_date="31/12/2023" if n % 3 else "31/03/2024",
    )


class Trust:
    """Riverside NHS Trust, its editor and signatory, another organisation and a reviewer."""

    def __init__(self, make):
        self.make = make
        self.org = make.organisation(name="Riverside NHS Trust", org_type="NHS Trust", region="London")
        self.editor = make.user(
            organisation=self.org, email="editor@riverside.example.org", full_name="Tara Okafor"
        )
        self.other_org = make.organisation(name="Hillside NHS Trust", org_type="NHS Trust", region="Midlands")
        self.other_editor = make.user(organisation=self.other_org, email="editor@hillside.example.org")
        self.rsl_london = make.user(roles.REGIONAL_REVIEWER, region="London", email="rsl.london@example.org")
        self.rsl_midlands = make.user(
            roles.REGIONAL_REVIEWER, region="Midlands", email="rsl.midlands@example.org"
        )

    def plan(self, rows: int = 30, *, signed_off: bool = True, other: bool = False) -> Plan:
        """A complete 2022-23 plan (one per organisation and year): the trust's, or `other`'s."""
        refs = thirty_refs()[:rows]
        org, editor = (self.other_org, self.other_editor) if other else (self.org, self.editor)
        plan = self.make.plan(org, refs, by=editor, rows={ref: varied_row(n) for n, ref in enumerate(refs)})
        if signed_off:
            self.make.signed_off(plan)
        return Plan.get_by_id(plan.id)

    def submitted(self, rows: int = 30) -> Plan:
        return self.make.submitted(self.plan(rows), by=self.editor)


@pytest.fixture
def trust(make):
    return Trust(make)
