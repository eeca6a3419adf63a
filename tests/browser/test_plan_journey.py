"""Issue 3's journey in a real browser: start a plan, live validation, sign-off, submission."""

import re

from playwright.sync_api import expect

ROWS = {
    "1.1.4": "Review the asset register with every asset owner and add the two missing systems.",
    "3.2.1": "Run monthly reminders through line managers and add training to the induction checklist.",
    "7.1.1": "Complete the business impact analysis for every critical service and test it annually.",
}


def start_plan(person):
    person.sign_in("la.editor@example.org")
    expect(person.page.get_by_role("heading", level=1)).to_contain_text("Northshire County Council")
    person.assert_accessible()
    person.page.get_by_role("link", name=re.compile("Start an improvement plan")).first.click()
    for ref in ROWS:
        person.page.locator(f"#item-{ref.replace('.', '-')}").check()
    person.assert_accessible()
    person.page.get_by_role("button", name="Start the plan").click()
    expect(person.page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Plan started with 3 evidence items"
    )


def fill_row(page, ref, *, completion="31/03/2024", save_button=False):
    key = "row-" + ref.replace(".", "-")
    page.fill(f"#{key}-current_position", "Partly in place: the gap is described in the DSPT return.")
    page.fill(f"#{key}-actions", ROWS[ref])
    page.fill(f"#{key}-milestones-0-description", "First step agreed by the IG group")
    page.fill(f"#{key}-milestones-0-date", "30/11/2023")
    page.fill(f"#{key}-completion_date", completion)
    page.fill(f"#{key}-owner", "Priya Shah, Information Governance Lead")
    page.check(f"#{key}-covid_impact-no")
    if save_button:
        page.get_by_role("button", name=f"Save {ref}").click()
        page.wait_for_load_state()


def sign_off_and_submit(person):
    person.sign_out()
    person.sign_in("la.siro@example.org")
    person.page.get_by_role("link", name=re.compile("Complete the plan")).click()
    person.page.get_by_role("link", name="Record sign-off").click()
    person.assert_accessible()
    page = person.page
    page.get_by_label("Their role").fill("Senior Information Risk Owner (SIRO)")
    page.get_by_label("Board or committee that approved the plan").fill("Audit and Governance Committee")
    page.get_by_label("Meeting date").fill("12/07/2023")
    page.get_by_label("Minute reference (optional)").fill("AGC/23/041")
    page.get_by_role("button", name="Record sign-off").click()
    expect(page.locator("#plan-sign_off")).to_contain_text("Signed off")
    expect(page.locator("#readiness")).to_contain_text("Ready to submit")
    page.get_by_role("link", name="Submit the plan to NHS England").click()
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Plan submitted to NHS England (submission 1)"
    )
    # Read-only now, with the submission listed.
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.get_by_text("Submitted: waiting for NHS England")).to_be_visible()
    expect(page.locator("table").last).to_contain_text("Plan")
    person.assert_accessible()


def test_plan_journey_with_javascript(person):
    start_plan(person)
    page = person.page
    page.evaluate("window.noPageLoad = true")  # survives only if nothing reloads the page
    fill_row(page, "1.1.4", completion="01/07/2024")
    page.locator("#row-1-1-4-owner").focus()  # leaving the field saves the row
    message = page.locator("#row-1-1-4-completion_date-message")
    expect(message).to_contain_text("Completion date must be on or before 30 June 2024")
    assert page.evaluate("window.noPageLoad") is True
    expect(page.locator("#readiness")).to_contain_text(
        "1.1.4: Completion date must be on or before 30 June 2024"
    )
    person.assert_accessible()

    page.fill("#row-1-1-4-completion_date", "31/03/2024")
    page.locator("#row-1-1-4-owner").focus()
    expect(message).to_be_empty()
    expect(page.locator("#row-1-1-4-status")).to_have_text("Complete")
    fill_row(page, "3.2.1")
    fill_row(page, "7.1.1")
    page.locator("#row-7-1-1-actions").focus()
    expect(page.locator("#plan-progress")).to_contain_text("3 of 3")
    expect(page.locator("#readiness")).to_contain_text("Record the SIRO or board sign-off")
    assert page.evaluate("window.noPageLoad") is True
    sign_off_and_submit(person)


def test_plan_journey_without_javascript(person_without_js):
    person = person_without_js
    start_plan(person)
    page = person.page
    fill_row(page, "1.1.4", completion="01/07/2024", save_button=True)
    expect(page.locator("#row-1-1-4-completion_date-message")).to_contain_text(
        "Completion date must be on or before 30 June 2024"
    )
    expect(page.locator("#row-1-1-4-completion_date")).to_have_value("01/07/2024")  # nothing typed is lost
    page.fill("#row-1-1-4-completion_date", "31/03/2024")
    page.get_by_role("button", name="Save 1.1.4").click()
    expect(page.locator("#row-1-1-4-status")).to_have_text("Complete")
    fill_row(page, "3.2.1", save_button=True)
    fill_row(page, "7.1.1", save_button=True)
    expect(page.locator("#plan-progress")).to_contain_text("3 of 3")
    sign_off_and_submit(person)
