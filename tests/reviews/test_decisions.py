"""Every decision, and every refusal with a clear message and nothing changed."""

import pytest

from dspt_portal import reviews
from dspt_portal.domain.workflow import TransitionRefused
from dspt_portal.models import AuditEvent, Decision, OrganisationStatus, OutboxMessage, Plan, Submission
from tests.conftest import TODAY


def _status(plan):
    return OrganisationStatus.get(organisation=plan.organisation_id, toolkit_year=plan.toolkit_year_id)


def _unchanged(plan, state="submitted"):
    assert Plan.get_by_id(plan.id).state == state
    assert Decision.select().where(Decision.plan == plan.id).count() == 0


def test_agree_updates_state_status_audit_and_emails(client, people):
    plan = people.submitted(people.trust)
    published = _status(plan).published_on
    client.sign_in(people.rsl_london.email)
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "agree"})
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.state == "agreed" and plan.agreed_on == TODAY
    decision = Decision.get(Decision.plan == plan.id)
    assert decision.submission_id == Submission.get(Submission.plan == plan.id).id
    assert decision.decided_by_id == people.rsl_london.id
    status = _status(plan)
    assert status.status == "Approaching Standards" and status.published_on == published
    event = AuditEvent.get((AuditEvent.plan == plan.id) & (AuditEvent.action == "agree"))
    assert event.summary == "Agreed the plan (submission 1)"
    assert event.before["state"] == "submitted" and event.after["toolkit_status"] == "Approaching Standards"
    to_org = {m.recipient for m in OutboxMessage.select().where(OutboxMessage.kind == "agree")}
    assert to_org == {u.email for u in people.trust.users}  # the editor and the signatory
    assert people.trust_editor.email in to_org
    page = client.text(client.get(f"/reviews/plans/{plan.id}"))
    assert "Agreed the plan. The organisation will be told by e-mail." in page


def test_request_changes_needs_a_reason(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    response = client.post(
        f"/reviews/plans/{plan.id}/decision", {"action": "request_changes", "reason": "  "}
    )
    assert response.status_code == 422
    assert "Give a reason for requesting changes" in client.text(response)
    assert "<title>Error: Review" in response.get_data(as_text=True)
    _unchanged(plan)


def test_request_changes_with_reason_and_call_shows_on_the_organisations_editor(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    response = client.post(
        f"/reviews/plans/{plan.id}/decision",
        {
            "action": "request_changes",
            "reason": "Row 3.2.1 has no realistic <b>plan</b>.",
            "call_with_rsl": "y",
        },
    )
    assert response.status_code == 302
    assert Plan.get_by_id(plan.id).state == "changes_requested"
    assert _status(plan).status == "Standards Not Met"
    assert Decision.get(Decision.plan == plan.id).call_with_rsl
    client.sign_out()
    client.sign_in(people.trust_editor.email)
    page = client.get(f"/plans/{plan.id}")
    text = client.text(page)
    assert "Row 3.2.1 has no realistic <b>plan</b>." in text  # shown as typed, escaped
    assert "Arrange a call with your Regional Security Lead" in text
    body = OutboxMessage.get(OutboxMessage.kind == "request_changes").body
    assert "Row 3.2.1 has no realistic" in body and "Regional Security Lead will contact you" in body


def test_accept_by_exception_is_for_national_reviewers_with_a_name_and_reason(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    page = client.text(client.get(f"/reviews/plans/{plan.id}"))
    assert "Accept the plan by exception" not in page
    response = client.post(
        f"/reviews/plans/{plan.id}/decision",
        {"action": "accept_by_exception", "reason": "x", "accepted_by": "SRO"},
    )
    assert "Only an NHS England national reviewer can accept a plan by exception" in client.text(response)
    _unchanged(plan)
    client.sign_out()
    client.sign_in(people.national.email)
    response = client.post(
        f"/reviews/plans/{plan.id}/decision",
        {"action": "accept_by_exception", "reason": "Board changes in progress"},
    )
    assert "Enter the name of the person at NHS England who accepted" in client.text(response)
    _unchanged(plan)
    response = client.post(
        f"/reviews/plans/{plan.id}/decision",
        {
            "action": "accept_by_exception",
            "reason": "Board changes in progress",
            "accepted_by": "Jane Doe, SRO",
        },
    )
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.state == "agreed" and plan.exception_accepted_by == "Jane Doe, SRO"
    assert _status(plan).status == "Approaching Standards"


def test_decision_on_a_plan_in_the_wrong_state_is_refused(client, people):
    plan = people.agreed(people.trust)
    client.sign_in(people.national.email)
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "agree"})
    assert response.status_code == 422
    assert "This plan has already been agreed" in client.text(response)
    assert Decision.select().where(Decision.plan == plan.id).count() == 1


def test_forged_confirm_completion_on_a_submitted_plan_is_refused(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.national.email)
    page = client.text(client.get(f"/reviews/plans/{plan.id}"))
    assert "Confirm the plan is complete" not in page  # not offered
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "confirm_completion"})
    assert response.status_code == 422
    assert "There is no completed plan awaiting confirmation" in client.text(response)
    _unchanged(plan)
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "delete_everything"})
    assert "This is not something you can do to a plan" in client.text(response)
    _unchanged(plan)


def test_organisation_user_posting_a_decision_gets_403(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.trust_editor.email)
    assert client.post(f"/reviews/plans/{plan.id}/decision", {"action": "agree"}).status_code == 403
    _unchanged(plan)


def test_decision_without_csrf_token_is_refused(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.national.email)
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "agree"}, csrf=False)
    assert response.status_code == 400
    _unchanged(plan)


def test_service_refuses_plans_the_reviewer_cannot_see(people):
    plan = people.submitted(people.la)
    with pytest.raises(TransitionRefused):
        reviews.decide(people.rsl_london, plan, "agree", today=TODAY)
    _unchanged(plan)


def test_return_completion_needs_a_reason_and_goes_back_to_agreed(people, make):
    plan = people.agreed(people.trust)
    _complete_every_row(people.trust_editor, plan)
    reviews.submit_completion(people.trust_editor, plan, today=TODAY)
    with pytest.raises(TransitionRefused, match="Give a reason for returning the completed plan"):
        reviews.decide(people.national, plan, "return_completion", today=TODAY)
    reviews.decide(people.national, plan, "return_completion", reason="3.2.1 evidence missing", today=TODAY)
    assert Plan.get_by_id(plan.id).state == "agreed"
    assert _status(plan).status == "Approaching Standards"


def _complete_every_row(user, plan):
    from dspt_portal import plans as plan_verbs

    for row in plan_verbs.load_rows(plan):
        reviews.save_progress(user, plan, row, "complete", TODAY, "Done", today=TODAY)


def test_assign_to_self_or_colleague_but_not_to_someone_who_cannot_see_it(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    response = client.post(f"/reviews/plans/{plan.id}/assign", {"assignee": str(people.national.id)})
    assert response.status_code == 302
    assert Plan.get_by_id(plan.id).assigned_to_id == people.national.id
    response = client.post(f"/reviews/plans/{plan.id}/assign", {"assignee": str(people.rsl_midlands.id)})
    assert response.status_code == 422
    assert "Choose a reviewer who can see this plan" in client.text(response)
    assert Plan.get_by_id(plan.id).assigned_to_id == people.national.id
    client.post(f"/reviews/plans/{plan.id}/assign", {"assignee": str(people.rsl_london.id)})
    assert Plan.get_by_id(plan.id).assigned_to_id == people.rsl_london.id
    text = client.text(client.get("/reviews?mine=y"))
    assert "Riverside NHS Trust" in text


def test_comments_on_a_row(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_london.email)
    response = client.post(f"/reviews/plans/{plan.id}/comments", {"ref": "3.2.1", "body": ""})
    assert response.status_code == 422 and "Enter a comment" in client.text(response)
    response = client.post(
        f"/reviews/plans/{plan.id}/comments", {"ref": "3.2.1", "body": "Is 95% realistic?"}
    )
    assert response.status_code == 302
    assert "Is 95% realistic?" in client.text(client.get(f"/reviews/plans/{plan.id}"))
    response = client.post(f"/reviews/plans/{plan.id}/comments", {"ref": "9.9.9", "body": "x"})
    assert "Choose an evidence item in this submission" in client.text(response)
