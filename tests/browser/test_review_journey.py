"""Issue 5's journey in a real browser: routing to reviewers, the htmx queue, changes requested and
resubmitted, agreement, progress, completion, the public status and reminders sent once.

Setup uses the factories (same database, read by the live server); everything a person does after
that happens in chromium, one browser context per person so nobody has to sign out and in.
"""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from dspt_portal.models import Organisation, User

TRUST = "Riverside University Hospitals NHS Trust"
COUNCIL = "Northshire County Council"
REFS = ("1.1.4", "3.2.1")
REASON = "1.1.4 needs a named owner for each system and a date for finding the two missing systems."
NEW_ACTIONS = (
    "Rewrite the policy, approve it at the IG group and brief every team on it. "
    "Add the two missing systems to the asset register by 30/09/2023."
)


def submitted_plan(make, ods_code: str, editor: str, siro: str):
    """A complete 2022-23 plan, signed off by the SIRO and submitted by the editor (factories)."""
    organisation = Organisation.get(Organisation.ods_code == ods_code)
    by = User.get(User.email == editor)
    plan = make.complete_plan(organisation, REFS, by=by)
    make.signed_off(plan, signatory=User.get(User.email == siro))
    return make.submitted(plan, by=by)


@pytest.fixture
def plans(make, live_server):
    """The London trust's and the Local Authority's submitted plans (after the demo accounts exist)."""
    trust = submitted_plan(make, "R9A", "trust.editor@example.org", "trust.siro@example.org")
    council = submitted_plan(make, "X26", "la.editor@example.org", "la.siro@example.org")
    return trust, council


def queue_rows(page):
    return page.locator("#queue-table tbody tr")


def decide(reviewer, plan_id: int, action: str, done: str, *, reason: str = "", call: bool = False):
    page = reviewer.page
    reviewer.go(f"/reviews/plans/{plan_id}")
    page.get_by_role("radio", name=action, exact=True).check()
    if reason:
        page.get_by_label("Reason").fill(reason)
    if call:
        page.get_by_label(re.compile("A call is to be arranged with the Regional Security Lead")).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(done)


def test_queue_routing_and_htmx_filters(people_at_browsers, plans):
    trust_plan, council_plan = plans

    rsl = people_at_browsers("rsl.london@example.org")
    page = rsl.page
    expect(page).to_have_url(re.compile(r"/reviews$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(f"{TRUST} (R9A)")
    expect(queue_rows(page).first).to_contain_text("Operator of Essential Services")
    expect(page.locator("#queue-results")).not_to_contain_text(COUNCIL)
    rsl.assert_accessible()
    # The Local Authority's plan is not the London RSL's to review, even by its address.
    response = page.goto(f"{rsl.server}/reviews/plans/{council_plan.id}")
    assert response.status == 404

    national = people_at_browsers("dspt.team@example.org")
    page = national.page
    expect(queue_rows(page)).to_have_count(2)
    expect(page.locator("#queue-table")).to_contain_text(TRUST)
    expect(page.locator("#queue-table")).to_contain_text(COUNCIL)
    page.evaluate("window.noPageLoad = true")  # survives only if the filters never reload the page

    page.get_by_label("Organisation type").select_option("Local Authority")
    expect(page).to_have_url(re.compile(r"org_type=Local(\+|%20)Authority"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(COUNCIL)
    expect(page.locator(".app-queue-total")).to_have_text("1 plan")

    page.get_by_label("Organisation type").select_option("NHS Trust")
    expect(page).to_have_url(re.compile(r"org_type=NHS(\+|%20)Trust"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(TRUST)
    assert page.evaluate("window.noPageLoad") is True
    national.assert_accessible()

    # Back restores the previous filter: its results and the filter's own value.
    page.go_back()
    expect(page).to_have_url(re.compile(r"org_type=Local(\+|%20)Authority"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(COUNCIL)
    expect(page.get_by_label("Organisation type")).to_have_value("Local Authority")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/reviews$"))
    expect(queue_rows(page)).to_have_count(2)
    expect(page.get_by_label("Organisation type")).to_have_value("")

    # Tabs are htmx links too, and keep the filter.
    page.get_by_label("Organisation type").select_option("NHS Trust")
    expect(page).to_have_url(re.compile(r"org_type=NHS(\+|%20)Trust"))
    page.get_by_role("link", name=re.compile(r"^All \(1\)")).click()
    expect(page).to_have_url(re.compile(r"tab=all"))
    expect(page).to_have_url(re.compile(r"org_type=NHS(\+|%20)Trust"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(TRUST)
    page.get_by_label("Organisation type").select_option("")  # the chosen tab stays with the filters
    expect(page).to_have_url(re.compile(r"tab=all"))
    expect(queue_rows(page)).to_have_count(2)


def test_changes_requested_resubmitted_agreed_progress_and_completion(people_at_browsers, plans, app):
    trust_plan, council_plan = plans
    plan_id = trust_plan.id
    rsl = people_at_browsers("rsl.london@example.org")
    editor = people_at_browsers("trust.editor@example.org")
    siro = people_at_browsers("trust.siro@example.org")
    public = people_at_browsers()

    # The RSL reviews the trust's plan and asks for changes, with a call.
    rsl.page.get_by_role("link", name=TRUST).click()
    expect(rsl.page.get_by_role("heading", level=1)).to_have_text("Review the 2022-23 improvement plan")
    expect(rsl.page.locator("#row-1-1-4")).to_contain_text("Jo Bloggs, Head of IG")
    rsl.assert_accessible()
    # Changes need a reason: the error is on the field, the page stays accessible.
    rsl.page.get_by_role("radio", name="Request changes", exact=True).check()
    rsl.page.get_by_role("button", name="Record the decision").click()
    summary = rsl.page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Give a reason")
    summary.get_by_role("link", name=re.compile("Give a reason")).click()
    expect(rsl.page.get_by_label("Reason")).to_be_focused()
    expect(rsl.page).to_have_title(re.compile("^Error: "))
    rsl.assert_accessible()
    decide(rsl, plan_id, "Request changes", "Requested changes to the plan", reason=REASON, call=True)
    expect(rsl.page.locator("#decisions ~ table")).to_contain_text("call with the RSL to be arranged")

    # The organisation sees why on its plan, changes a row; the sign-off needs renewing.
    page = editor.page
    editor.go("/plans")
    page.get_by_role("link", name=re.compile("NHS England asked for changes")).click()
    callout = page.locator(".nhsuk-warning-callout", has_text="NHS England asked for changes")
    expect(callout).to_contain_text(REASON)
    expect(callout).to_contain_text("Arrange a call with your Regional Security Lead")
    editor.assert_accessible()
    page.fill("#row-1-1-4-actions", NEW_ACTIONS)
    page.get_by_role("button", name="Save 1.1.4").click()
    expect(page.locator("#plan-sign_off")).to_contain_text("Sign-off needs renewing")
    expect(page.locator("#row-1-1-4-actions")).to_have_value(NEW_ACTIONS)

    # The SIRO signs off again and resubmits.
    page = siro.page
    siro.go(f"/plans/{plan_id}")
    page.get_by_role("link", name="Record sign-off").click()
    page.get_by_label("Their role").fill("Senior Information Risk Owner (SIRO)")
    page.get_by_label("Board or committee that approved the plan").fill("Trust Board")
    page.get_by_label("Meeting date").fill("14/07/2023")
    page.get_by_role("button", name="Record sign-off").click()
    expect(page.locator("#plan-sign_off")).to_contain_text("Signed off")
    page.get_by_role("link", name="Submit the plan to NHS England").click()
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Plan submitted to NHS England (submission 2)"
    )

    # The RSL sees exactly what changed, and agrees.
    page = rsl.page
    rsl.go(f"/reviews/plans/{plan_id}")
    expect(page.locator("#changes")).to_have_text("Changes since submission 1")
    expect(page.locator(".app-diff")).to_have_count(1)
    changed = page.locator("#diff-1-1-4")
    expect(changed).to_contain_text("Actions required")
    expect(changed.locator("ins")).to_contain_text("Add the two missing systems")
    expect(changed.locator("del")).to_have_count(0)
    rsl.assert_accessible()
    decide(rsl, plan_id, "Agree the plan", "Agreed the plan")

    # The public sees the new status with the original publication date, and nothing about why.
    public.go("/status")
    row = public.page.get_by_role("row", name=re.compile(TRUST))
    expect(row).to_contain_text("Approaching Standards")
    expect(row).to_contain_text("17/07/2023")
    body = public.page.locator("main")
    for private in (*REFS, REASON[:30], "Rewrite the policy", "Jo Bloggs"):
        expect(body).not_to_contain_text(private)
    public.assert_accessible()

    # The trust records progress on every row and sends an update; the RSL acknowledges it.
    page = editor.page
    editor.go(f"/plans/{plan_id}")
    page.get_by_role("link", name="Record progress and send an update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress on the 2022-23 improvement plan")
    editor.assert_accessible()
    # A completed action needs its date; nothing typed is lost.
    first = page.locator("#progress-1-1-4")
    first.get_by_label("Complete", exact=True).check()
    first.get_by_label("Progress note (optional)").fill("Asset register reviewed.")
    first.get_by_role("button", name="Save progress for 1.1.4").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the date the action was completed")
    expect(page.locator("#progress-1-1-4").get_by_label("Progress note (optional)")).to_have_value(
        "Asset register reviewed."
    )
    editor.assert_accessible()
    for ref in REFS:
        section = page.locator("#progress-" + ref.replace(".", "-"))
        section.get_by_label("Complete", exact=True).check()
        section.get_by_label("Actual completion date").fill("14/07/2023")
        section.get_by_role("button", name=f"Save progress for {ref}").click()
        expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"Progress saved for {ref}.")
        expect(page.locator("#progress-" + ref.replace(".", "-"))).to_contain_text(
            "Complete, completed on 14/07/2023"
        )
    page.get_by_role("button", name="Send the progress update").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Progress update sent to NHS England (submission 3)."
    )
    editor.assert_accessible()

    rsl.go("/reviews?tab=agreed")
    expect(queue_rows(rsl.page)).to_have_count(1)
    expect(queue_rows(rsl.page).first).to_contain_text("Update to acknowledge")
    rsl.go(f"/reviews/plans/{plan_id}")
    expect(rsl.page.locator("main")).to_contain_text("The organisation sent a progress update (submission 3)")
    expect(rsl.page.locator("#submission")).to_have_text("Submission 3: progress update")
    expect(rsl.page.locator("#row-3-2-1")).to_contain_text("Complete, completed on")
    decide(rsl, plan_id, "Acknowledge the progress update", "Acknowledged the progress update")
    expect(rsl.page.locator("main")).not_to_contain_text("The organisation sent a progress update")
    expect(rsl.page.locator("main")).to_contain_text("Waiting for the organisation's next progress update")

    # Every action is complete: the trust submits the completed plan and the RSL confirms it.
    editor.go(f"/plans/{plan_id}/progress")
    page.get_by_role("button", name="Submit the completed plan").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Completed plan sent to NHS England (submission 4)."
    )
    expect(page.locator("main")).to_contain_text("You submitted the completed plan")
    decide(rsl, plan_id, "Confirm the plan is complete", "Confirmed the plan is complete")
    expect(rsl.page.locator("main")).to_contain_text("This plan is complete")
    editor.go(f"/plans/{plan_id}/progress")
    expect(page.locator("main")).to_contain_text("Your status is Standards Met")

    public.go("/status")
    row = public.page.get_by_role("row", name=re.compile(TRUST))
    expect(row).to_contain_text("Standards Met")
    expect(row).not_to_contain_text("Approaching")
    expect(row).to_contain_text("17/07/2023")


def test_reminders_sent_once_and_dashboard(people_at_browsers, plans, app):
    trust_plan, council_plan = plans
    national = people_at_browsers("dspt.team@example.org")
    decide(national, council_plan.id, "Agree the plan", "Agreed the plan")  # agreed 17 July 2023

    # Past the 30 September update and the 14 October escalation, with no update received.
    app.config["PORTAL_TODAY"] = "2023-10-20"
    outputs = []
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["send-reminders"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert outputs[0].startswith("2023-10-20: queued ") and not outputs[0].startswith("2023-10-20: queued 0 ")
    assert outputs[1].startswith("2023-10-20: queued 0 notices")

    admin = people_at_browsers("admin@example.org")
    admin.go("/admin/outbox")
    expect(admin.page.get_by_role("heading", level=1)).to_have_text("E-mail outbox")
    cells = admin.page.locator("main table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[1].innerText.trim(), r.cells[2].innerText.trim()])"
    )
    sent = Counter(tuple(c) for c in cells)
    assert all(n == 1 for n in sent.values()), sent
    overdue = {to for to, subject in sent if subject == "Progress update overdue since 30 September 2023"}
    assert overdue == {"la.editor@example.org", "la.siro@example.org"}
    escalated = {to for to, subject in sent if subject.startswith(f"Escalation: {COUNCIL}")}
    assert escalated == {"dspt.team@example.org"}  # a Local Authority: the national team, not the RSL
    assert not any(COUNCIL in s and to == "rsl.london@example.org" for to, s in sent)
    admin.assert_accessible()

    # The dashboard lists the overdue plan; the queue flags it.
    national.go("/reviews/dashboard")
    expect(national.page.get_by_role("heading", level=1)).to_have_text("Reviewer dashboard")
    overdue_table = national.page.locator("#overdue ~ table")
    expect(overdue_table).to_contain_text(COUNCIL)
    expect(overdue_table).to_contain_text("30/09/2023")
    expect(national.page.locator("#chart-state")).to_be_visible()
    national.assert_accessible()
    national.go("/reviews?tab=agreed")
    expect(queue_rows(national.page)).to_have_count(1)
    expect(queue_rows(national.page).first).to_contain_text("Escalated")
