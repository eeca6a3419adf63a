"""The plan editor as the organisation uses it: start, fill rows, live validation, conflicts, sign-off, submit."""

import re

from dspt_portal import roles
from dspt_portal.models import AuditEvent, DateChange, Organisation, Plan, PlanRow, Submission
from tests.support.factories import row_form


def setup_editor(client, make, refs=("1.1.4", "3.2.1")):
    org = make.organisation(name="Northshire County Council")
    editor = make.user(organisation=org, email="ed@example.org")
    plan = make.plan(org, refs=refs, by=editor)
    client.sign_in("ed@example.org")
    rows = {r.evidence_item.ref: r for r in PlanRow.select().where(PlanRow.plan == plan.id)}
    for row in rows.values():
        row.evidence_item  # noqa: B018 - load it while connected
    return org, plan, rows


def test_start_a_plan_by_choosing_and_pasting_references(client, make):
    org = make.organisation()
    make.user(organisation=org, email="ed@example.org")
    client.sign_in("ed@example.org")
    page = client.get("/plans/new/2022-23")
    assert "Start your 2022-23 improvement plan" in client.text(page)
    response = client.post(
        "/plans/new/2022-23", [("items", "1.1.4"), ("partial", "1.1.4"), ("refs", "3.2.1, 7.1.1")]
    )
    assert response.status_code == 302
    plan = Plan.get(Plan.organisation == org.id)
    refs = {r.evidence_item.ref: r.partial for r in PlanRow.select().where(PlanRow.plan == plan.id)}
    assert refs == {"1.1.4": True, "3.2.1": False, "7.1.1": False}


def test_unknown_and_duplicate_references_are_named_and_nothing_is_created(client, make):
    org = make.organisation()
    make.user(organisation=org, email="ed@example.org")
    client.sign_in("ed@example.org")
    response = client.post("/plans/new/2022-23", {"refs": "1.1.4, 9.9.9, 1.1.4, hello"})
    assert response.status_code == 422
    text = client.text(response)
    assert "These references are not in the 2022-23 catalogue: 9.9.9" in text
    assert "These references are listed more than once: 1.1.4" in text
    assert "hello" in text
    assert Plan.select().count() == 0


def test_search_narrows_the_catalogue_and_keeps_choices(client, make):
    org = make.organisation()
    make.user(organisation=org, email="ed@example.org")
    client.sign_in("ed@example.org")
    fragment = client.get("/plans/new/2022-23?q=training", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="catalogue-items"')
    assert "3.2.1" in html and "1.1.4" not in html
    assert "HX-Request" in fragment.headers["Vary"]


def test_a_valid_row_saves_and_the_row_is_complete(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    response = client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{plan.id}#row-1-1-4")
    page = client.get(f"/plans/{plan.id}")
    doc_text = client.text(page)
    assert "1 of 2 rows complete" in doc_text
    saved = PlanRow.get_by_id(row.id)
    assert saved.completion_date.isoformat() == "2023-12-31"
    assert saved.version == row.version + 1


def test_the_year_limit_message_and_nothing_typed_is_lost(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        row_form(row, completion_date="01/07/2024", actions="<script>alert(1)</script> do it all properly"),
    )
    page = client.get(f"/plans/{plan.id}")
    html = page.get_data(as_text=True)
    assert "Completion date must be on or before 30 June 2024" in client.text(page)
    assert 'value="01/07/2024"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_exceptional_circumstances_turn_the_limit_into_a_warning(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        row_form(
            row,
            completion_date="30/09/2024",
            exceptional_circumstances="Supplier contract ends in September 2024.",
        ),
    )
    text = client.text(client.get(f"/plans/{plan.id}"))
    assert "NHS England must agree the exceptional circumstances" in text
    assert "1.1.4: Completion date must be on or before" not in text


def test_bad_dates_get_clear_messages(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    for typed, message in [
        ("31/02/2024", "Completion date must be a real date"),
        ("next June", "Completion date must be a real date, like 30/06/2024"),
        ("", "Enter a completion date"),
        ("01/01/2023", "Completion date must be today or in the future"),
    ]:
        row = PlanRow.get_by_id(row.id)
        client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, completion_date=typed))
        assert message in client.text(client.get(f"/plans/{plan.id}")), typed


def test_live_validation_checks_without_saving(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    response = client.post(
        f"/plans/{plan.id}/rows/{row.id}/check", row_form(row, completion_date="01/07/2024"), htmx=True
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="row-1-1-4-completion_date-message" class="app-field-message" hx-swap-oob="true"' in html
    assert "Completion date must be on or before 30 June 2024" in html
    assert PlanRow.get_by_id(row.id).version == row.version  # nothing written


def test_autosave_returns_only_out_of_band_messages_and_asks_for_the_panels(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    response = client.post(
        f"/plans/{plan.id}/rows/{row.id}", {**row_form(row, owner=""), "autosave": "1"}, htmx=True
    )
    html = response.get_data(as_text=True)
    assert "<textarea" not in html  # nothing the user is typing in is replaced
    assert "Enter the action owner" in html
    assert 'id="row-1-1-4-status"' in html and 'id="row-1-1-4-version"' in html
    assert f'value="{row.version + 1}"' in html
    # The plan-wide panels are not re-checked on every keystroke's save: the editor fetches them.
    assert 'id="readiness"' not in html
    assert response.headers["HX-Trigger"] == "plan-changed"
    editor_page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert (
        f'hx-get="/plans/{plan.id}/status-panels" hx-trigger="plan-changed from:body delay:500ms"'
        in editor_page
    )

    again = client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        {**row_form(row, owner="", version=row.version + 1), "autosave": "1"},
        htmx=True,
    )
    assert (
        again.status_code == 200 and "HX-Trigger" not in again.headers
    )  # nothing changed, nothing to refresh


def test_status_panels_show_the_saved_plan(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(f"/plans/{plan.id}/rows/{row.id}", {**row_form(row, owner=""), "autosave": "1"}, htmx=True)
    response = client.get(f"/plans/{plan.id}/status-panels", headers={"HX-Request": "true"}, check=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('hx-swap-oob="true"') == 3  # progress, readiness and sign-off, in place
    assert 'id="readiness"' in html and 'id="plan-progress"' in html and 'id="plan-sign_off"' in html
    assert "1.1.4" in html and "Enter the action owner" in html
    # Opened as a page (a bookmark, no JavaScript): the panels are on the editor.
    assert (
        client.get(f"/plans/{plan.id}/status-panels", check=False)
        .headers["Location"]
        .endswith(f"/plans/{plan.id}")
    )


def test_adding_and_removing_milestones(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    response = client.post(
        f"/plans/{plan.id}/rows/{row.id}", {**row_form(row), "action": "add_milestone"}, htmx=True
    )
    html = response.get_data(as_text=True)
    assert 'id="row-1-1-4-milestones-1-description"' in html
    row = PlanRow.get_by_id(row.id)
    data = {**row_form(row), "milestones-1-description": "Second step", "milestones-1-date": "30/10/2023"}
    client.post(f"/plans/{plan.id}/rows/{row.id}", data)
    assert [m.description for m in PlanRow.get_by_id(row.id).milestones.order_by(1)] == [
        "Draft to IG group",
        "Second step",
    ]
    row = PlanRow.get_by_id(row.id)
    client.post(
        f"/plans/{plan.id}/rows/{row.id}", {**data, "version": row.version, "action": "remove_milestone-0"}
    )
    assert [m.description for m in PlanRow.get_by_id(row.id).milestones] == ["Second step"]


def test_milestones_after_the_completion_date_are_flagged(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        row_form(row, **{"milestones-0-date": "31/01/2024", "completion_date": "31/12/2023"}),
    )
    assert "Milestone 1 date must be on or before the completion date (31/12/2023)" in client.text(
        client.get(f"/plans/{plan.id}")
    )


def test_a_stale_save_is_refused_with_both_versions_shown(client, make, app):
    from tests.support.client import PageClient

    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    other = PageClient(app.test_client())
    other.sign_in("ed@example.org")
    other.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, owner="Their owner"))
    response = client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, owner="My owner"), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this row" in html
    assert "Their owner" in html and 'value="My owner"' in html
    assert PlanRow.get_by_id(row.id).owner == "Their owner"  # never silently overwritten
    # Saving again from the refreshed form keeps my version deliberately.
    fresh = PlanRow.get_by_id(row.id)
    client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(fresh, owner="My owner"))
    assert PlanRow.get_by_id(row.id).owner == "My owner"


def test_changes_are_audited_readably_and_dates_kept(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, completion_date="30/06/2024"))
    row = PlanRow.get_by_id(row.id)
    client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, completion_date="31/03/2024"))
    summaries = [e.summary for e in AuditEvent.select().where(AuditEvent.plan == plan.id)]
    assert "Changed completion date from 30/06/2024 to 31/03/2024 for 1.1.4" in summaries
    assert DateChange.select().where(DateChange.row == row.id).count() == 2


def test_sign_off_submit_and_read_only(client, make, app):
    from tests.support.client import PageClient

    org, plan, rows = setup_editor(client, make)
    for row in rows.values():
        client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row))
    # Editors cannot sign off; signatories can.
    assert client.get(f"/plans/{plan.id}/sign-off").status_code == 403
    make.user(roles.ORG_SIGNATORY, organisation=org, email="siro@example.org")
    siro = PageClient(app.test_client())
    siro.sign_in("siro@example.org")
    bad = siro.post(
        f"/plans/{plan.id}/sign-off",
        {"name": "Sam", "role": "SIRO", "board": "Audit Committee", "meeting_date": "31/02/2023"},
    )
    assert bad.status_code == 422 and "Meeting date must be a real date" in siro.text(bad)
    ok = siro.post(
        f"/plans/{plan.id}/sign-off",
        {
            "name": "Sam",
            "role": "SIRO",
            "board": "Audit Committee",
            "meeting_date": "12/07/2023",
            "minute_reference": "AC/1",
        },
    )
    assert ok.status_code == 302
    assert "Ready to submit" in client.text(client.get(f"/plans/{plan.id}"))
    response = client.post(f"/plans/{plan.id}/submit", {})
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.state == "submitted"
    submission = Submission.get(Submission.plan == plan.id)
    assert submission.snapshot["plan"]["content_hash"] == submission.content_hash
    assert [r["ref"] for r in submission.snapshot["rows"]] == ["1.1.4", "3.2.1"]
    page = client.get(f"/plans/{plan.id}")
    assert "<textarea" not in page.get_data(as_text=True)
    assert "Submitted: waiting for NHS England" in client.text(page)
    row = rows["1.1.4"]
    refused = client.post(
        f"/plans/{plan.id}/rows/{row.id}", row_form(PlanRow.get_by_id(row.id), owner="x"), htmx=True
    )
    assert refused.status_code == 409
    assert "cannot be changed" in refused.get_data(as_text=True)


def test_a_material_change_after_sign_off_needs_renewal(client, make):
    org, plan, rows = setup_editor(client, make)
    for row in rows.values():
        client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row))
    make.signed_off(Plan.get_by_id(plan.id))
    row = PlanRow.get_by_id(rows["1.1.4"].id)
    client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, owner="Someone new"))
    text = client.text(client.get(f"/plans/{plan.id}"))
    assert "Sign-off needs renewing" in text
    assert client.post(f"/plans/{plan.id}/submit", {}).status_code == 302
    assert Plan.get_by_id(plan.id).state == "draft"


def test_another_organisations_plan_and_rows_are_not_found(client, make):
    _, plan, rows = setup_editor(client, make)
    other_org = make.organisation()
    other_plan = make.plan(other_org, refs=("1.1.4",))
    other_row = PlanRow.get(PlanRow.plan == other_plan.id)
    assert client.get(f"/plans/{other_plan.id}").status_code == 404
    assert client.post(f"/plans/{other_plan.id}/rows/{other_row.id}", row_form(other_row)).status_code == 404
    # A row of another plan through my plan's URL is not found either.
    assert client.post(f"/plans/{plan.id}/rows/{other_row.id}", row_form(other_row)).status_code == 404
    assert PlanRow.get_by_id(other_row.id).owner == ""


def test_htmx_and_plain_posts_without_a_csrf_token_are_refused(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    assert client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row), csrf=False).status_code == 400
    assert (
        client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row), csrf=False, htmx=True).status_code
        == 400
    )
    assert PlanRow.get_by_id(row.id).version == row.version


def test_over_long_text_is_refused_with_its_limit(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["1.1.4"]
    client.post(f"/plans/{plan.id}/rows/{row.id}", row_form(row, owner="x" * 201))
    assert "Action owner must be 200 characters or fewer" in client.text(client.get(f"/plans/{plan.id}"))


def test_removing_a_row(client, make):
    _, plan, rows = setup_editor(client, make)
    row = rows["3.2.1"]
    page = client.get(f"/plans/{plan.id}/rows/{row.id}/remove")
    assert "Remove 3.2.1 from the plan?" in client.text(page)
    client.post(f"/plans/{plan.id}/rows/{row.id}/remove", {})
    assert [r.evidence_item.ref for r in PlanRow.select().where(PlanRow.plan == plan.id)] == ["1.1.4"]


def test_demo_plan_shows_a_problem_to_fix(app, client):
    from dspt_portal import demo

    with app.app_context():
        demo.seed(demo.DEFAULT_PASSWORD)
    client.sign_in("la.editor@example.org")
    plan = Plan.select().join(Organisation).where(Organisation.ods_code == "X26").get()
    text = client.text(client.get(f"/plans/{plan.id}"))
    assert "3.2.1: Completion date must be on or before 30 June 2024" in text
    assert re.search(r"1 of 3\s+rows complete", text)


def test_missing_mandatory_items_are_flagged_only_when_the_catalogue_says(client, make):
    from dspt_portal.models import EvidenceItem

    _, plan, _ = setup_editor(client, make)
    text = client.text(client.get(f"/plans/{plan.id}"))
    assert "mandatory evidence items are not in the plan" not in text  # the bundled catalogue has no flags
    year = make.year("2022-23")
    EvidenceItem.update(mandatory=True).where(
        (EvidenceItem.toolkit_year == year.id) & EvidenceItem.ref.in_(["1.1.1", "1.1.4"])
    ).execute()
    text = client.text(client.get(f"/plans/{plan.id}"))
    assert "These mandatory evidence items are not in the plan" in text and "1.1.1" in text
    assert "not in the plan. Add them if your organisation has not met them: 1.1.1." in text


def test_a_submitted_plan_cannot_get_new_items(client, make):
    org = make.organisation()
    make.user(organisation=org, email="ed@example.org")
    plan = make.submitted(make.signed_off(make.complete_plan(org)))
    client.sign_in("ed@example.org")
    response = client.get(f"/plans/{plan.id}/add-items")
    assert response.status_code == 409
    assert "This plan cannot be changed now" in client.text(response)
