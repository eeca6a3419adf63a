"""Who sees which plan: regions, the national queue, and organisations kept apart."""

from dspt_portal import roles


def test_regional_reviewer_sees_region_trust_but_not_local_authority(client, people):
    trust_plan = people.submitted(people.trust)
    la_plan = people.submitted(people.la)
    client.sign_in(people.rsl_london.email)
    text = client.text(client.get("/reviews?tab=all"))
    assert "Riverside NHS Trust" in text
    assert "Northshire County Council" not in text
    assert client.get(f"/reviews/plans/{trust_plan.id}").status_code == 200
    assert client.get(f"/reviews/plans/{la_plan.id}").status_code == 404


def test_national_reviewer_sees_both(client, people):
    people.submitted(people.trust)
    la_plan = people.submitted(people.la)
    client.sign_in(people.national.email)
    text = client.text(client.get("/reviews?tab=all"))
    assert "Riverside NHS Trust" in text and "Northshire County Council" in text
    assert client.get(f"/reviews/plans/{la_plan.id}").status_code == 200


def test_other_region_reviewer_gets_404(client, people):
    plan = people.submitted(people.trust)
    client.sign_in(people.rsl_midlands.email)
    assert client.get(f"/reviews/plans/{plan.id}").status_code == 404
    response = client.post(f"/reviews/plans/{plan.id}/decision", {"action": "agree"})
    assert response.status_code == 404


def test_draft_plans_are_not_in_any_queue(client, people, make):
    make.complete_plan(people.trust)
    client.sign_in(people.national.email)
    assert "No plans match these filters" in client.text(client.get("/reviews?tab=all"))


def test_organisation_users_cannot_use_reviewer_pages_or_see_others_plans(client, people, make):
    plan = people.submitted(people.trust)
    client.sign_in(people.la_editor.email)
    assert client.get("/reviews").status_code == 403
    assert client.get(f"/reviews/plans/{plan.id}").status_code == 403
    assert client.get(f"/plans/{plan.id}/history").status_code == 404
    assert client.get(f"/plans/{plan.id}/history.csv").status_code == 404
    assert client.get(f"/plans/{plan.id}/progress").status_code == 404


def test_administrators_are_not_reviewers(client, make):
    admin = make.user(roles.ADMIN)
    client.sign_in(admin.email)
    assert client.get("/reviews").status_code == 403
    assert client.get("/reviews/dashboard").status_code == 403
