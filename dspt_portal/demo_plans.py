"""Demo plans: the Local Authority's draft 2022-23 plan with one problem to fix (more states: reviews)."""

import datetime as dt

from . import plans as plan_verbs
from .domain.validation import MilestoneInput, RowInput
from .models import EvidenceItem, Organisation, Plan, ToolkitYear, User

DEMO_YEAR = "2022-23"
# The demo runs in the 2022-23 cycle: `make run` sets PORTAL_TODAY to this date.
DEMO_TODAY = dt.date(2023, 7, 17)

LA_ROWS = [
    (
        "1.1.4",
        RowInput(
            current_position="The information asset register was last reviewed in 2021 and misses two new systems.",
            actions="Review the information asset register with every asset owner and add the social care "
            "case system and the new HR system, with their data flows.",
            milestones=[
                MilestoneInput("Asset owners confirm their entries", "30/09/2023"),
                MilestoneInput("Register and data flow map approved by the IG group", "30/11/2023"),
            ],
            completion_date="31/12/2023",
            owner="Priya Shah, Information Governance Lead",
            covid_impact="no",
        ),
    ),
    (
        "3.2.1",
        RowInput(
            current_position="63% of staff have completed data security awareness training this year.",
            actions="Run monthly reminders through line managers and add training to the induction checklist so "
            "that 95% of staff complete it.",
            milestones=[MilestoneInput("Training added to the induction checklist", "31/08/2023")],
            completion_date="01/07/2024",
            owner="Tom Reid, Head of HR",
            covid_impact="yes",
            covid_note="Training sessions were paused in 2021 while staff were redeployed.",
        ),
    ),
    ("7.1.1", RowInput()),
]


def seed_plans() -> int:
    """The LA's draft plan, created once: a complete row, a row with a date past the limit, an empty row."""
    org = Organisation.get_or_none(Organisation.ods_code == "X26")
    year = ToolkitYear.get_or_none(ToolkitYear.label == DEMO_YEAR)
    editor = User.get_or_none(User.email == "la.editor@example.org")
    if not (org and year and editor) or Plan.get_or_none(organisation=org, toolkit_year=year):
        return 0
    items = {
        i.ref: i
        for i in EvidenceItem.select().where(
            (EvidenceItem.toolkit_year == year.id) & EvidenceItem.ref.in_([r for r, _ in LA_ROWS])
        )
    }
    plan = plan_verbs.start_plan(editor, org, year, [(items[ref], False) for ref, _ in LA_ROWS], DEMO_TODAY)
    for row in plan_verbs.load_rows(plan):
        values = dict(LA_ROWS)[row.evidence_item.ref]
        if values.current_position:
            plan_verbs.save_row(editor, plan, row, plan_verbs.RowEdit(values, False, row.version), DEMO_TODAY)
    return 1
