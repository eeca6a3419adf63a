"""Resubmission diff, progress updates, completion and the public status page."""

from dspt_portal import plans as plan_verbs
from dspt_portal import reviews
from dspt_portal.models import DateChange, OrganisationStatus, Plan, PlanRow, Submission
from tests.conftest import TODAY
from tests.reviews.conftest import on_portal_clock
from tests.support.factories import good_row


def test_word_diff_marks_insertions_and_deletions():
    assert reviews.word_diff("Rewrite the policy now", "Rewrite the new policy") == [
        ("equal", "Rewrite the "),
        ("insert", "new "),
        ("equal", "policy"),
        ("delete", " now"),
    ]


def test_diff_lists_rows_added_removed_and_changed():
    old = {"rows": [{"ref": "1.1.4", "actions": "a b", "owner": "Jo"}, {"ref": "2.1.1", "actions": "x"}]}
    new = {"rows": [{"ref": "1.1.4", "actions": "a c", "owner": "Jo"}, {"ref": "3.2.1", "actions": "y"}]}
    result = reviews.diff(old, new)
    assert [r["ref"] for r in result.added] == ["3.2.1"]
    assert [r["ref"] for r in result.removed] == ["2.1.1"]
    [change] = result.changed
    assert change.ref == "1.1.4" and [f.name for f in change.fields] == ["actions"]


def test_resubmission_shows_what_changed_since_the_reviewed_submission(client, people, make):
    plan = people.submitted(people.trust)
    reviews.decide(people.rsl_london, plan, "request_changes", reason="Be specific", today=TODAY)
    plan = Plan.get_by_id(plan.id)
    editor = people.trust_editor
    row = next(r for r in plan_verbs.load_rows(plan) if r.evidence_item.ref == "3.2.1")
    values = good_row(
        actions="Rewrite the policy, approve it at the <b>Board</b> and brief every team on it."
    )
    plan_verbs.save_row(editor, plan, row, plan_verbs.RowEdit(values, False, row.version), TODAY)
    make.signed_off(Plan.get_by_id(plan.id))
    on_portal_clock(make.submitted(Plan.get_by_id(plan.id), by=editor))
    client.sign_in(people.rsl_london.email)
    response = client.get(f"/reviews/plans/{plan.id}")
    body = response.get_data(as_text=True)
    text = client.text(response)
    assert "Changes since submission 1" in text
    assert '<ins><span class="nhsuk-u-visually-hidden">[added: </span>&lt;b&gt;Board&lt;/b&gt;' in body
    assert "<del>" in body and "<b>Board</b>" not in body


def _post_progress(client, plan, row, **values):
    data = {f"row-{row.id}-{k}": v for k, v in values.items()}
    return client.post(f"/plans/{plan.id}/progress/rows/{row.id}", data)


def test_progress_updates_then_completion_gives_standards_met(client, people, app):
    plan = people.agreed(people.trust)
    published = OrganisationStatus.get(organisation=plan.organisation_id).published_on
    client.sign_in(people.trust_editor.email)
    assert "Record progress and send an update" in client.text(client.get(f"/plans/{plan.id}"))
    page = client.get(f"/plans/{plan.id}/progress")
    assert "Your next progress update is due by 30 September 2023" in client.text(page)
    rows = plan_verbs.load_rows(plan)
    # A revised date needs a reason; a complete action needs its date.
    response = _post_progress(client, plan, rows[0], status="in_progress", revised_date="31/01/2024")
    assert response.status_code == 422
    assert "Give a reason for changing the completion date" in client.text(response)
    response = _post_progress(client, plan, rows[0], status="complete")
    assert "Enter the date the action was completed" in client.text(response)
    assert (
        _post_progress(
            client,
            plan,
            rows[0],
            status="in_progress",
            note="Draft written",
            revised_date="31/01/2024",
            revised_reason="Board meeting moved",
        ).status_code
        == 302
    )
    change = DateChange.select().where(DateChange.row == rows[0].id).order_by(DateChange.id.desc()).get()
    assert (change.old_date.isoformat(), change.new_date.isoformat(), change.reason) == (
        "2023-12-31",
        "2024-01-31",
        "Board meeting moved",
    )
    response = client.post(f"/plans/{plan.id}/progress/submit")
    assert "Record the progress of every action before sending the update" in client.text(
        client.get(response.headers["Location"])
    )
    _post_progress(client, plan, rows[1], status="not_started")
    client.post(f"/plans/{plan.id}/progress/submit")
    update = Submission.get((Submission.plan == plan.id) & (Submission.kind == "progress"))
    assert update.snapshot["rows"][0]["progress_status"] == "in_progress"

    client.sign_out()
    client.sign_in(people.rsl_london.email)
    page = client.text(client.get(f"/reviews/plans/{plan.id}"))
    assert "Acknowledge the progress update" in page and "Draft written" in page
    assert (
        client.post(f"/reviews/plans/{plan.id}/decision", {"action": "acknowledge_progress"}).status_code
        == 302
    )
    assert Submission.get_by_id(update.id).acknowledged_by_id == people.rsl_london.id

    client.sign_out()
    client.sign_in(people.trust_editor.email)
    for row in rows:
        assert (
            _post_progress(
                client, plan, row, status="complete", actual_completion_date="17/07/2023"
            ).status_code
            == 302
        )
    assert "Submit the completed plan" in client.text(client.get(f"/plans/{plan.id}/progress"))
    client.post(f"/plans/{plan.id}/progress/complete")
    assert Plan.get_by_id(plan.id).state == "completion_submitted"

    client.sign_out()
    client.sign_in(people.rsl_london.email)
    assert (
        client.post(f"/reviews/plans/{plan.id}/decision", {"action": "confirm_completion"}).status_code == 302
    )
    assert Plan.get_by_id(plan.id).state == "completed"
    status = OrganisationStatus.get(organisation=plan.organisation_id)
    assert status.status == "Standards Met" and status.published_on == published
    client.sign_out()
    public = client.text(client.get("/status"))
    assert "Riverside NHS Trust" in public and "Standards Met" in public
    assert "3.2.1" not in public  # the public page never says which areas needed work


def test_completion_needs_every_row_complete(people):
    plan = people.agreed(people.trust)
    import pytest

    with pytest.raises(reviews.ReviewRefused, match="Mark every action as complete"):
        reviews.submit_completion(people.trust_editor, plan, today=TODAY)
    assert Plan.get_by_id(plan.id).state == "agreed"


def test_progress_only_once_agreed(client, people):
    plan = people.submitted(people.trust)
    row = PlanRow.get(PlanRow.plan == plan.id)
    client.sign_in(people.trust_editor.email)
    assert "You can record progress once NHS England has agreed the plan" in client.text(
        client.get(f"/plans/{plan.id}/progress")
    )
    response = _post_progress(client, plan, row, status="complete", actual_completion_date="17/07/2023")
    assert response.status_code == 302
    assert PlanRow.get_by_id(row.id).progress_status == ""


def test_public_status_amendment_keeps_the_publication_date(client, people):
    plan = people.submitted(people.trust)
    OrganisationStatus.update(published_on="2023-06-30").where(
        OrganisationStatus.organisation == plan.organisation_id
    ).execute()
    reviews.decide(people.national, plan, "agree", today=TODAY)
    text = client.text(client.get("/status"))
    assert "Approaching Standards" in text and "30/06/2023" in text
