"""Saving a row that did not change writes nothing: its version stays, so no other editor goes stale
(and the benchmark can autosave the same row again and again)."""

from dspt_portal.models import AuditEvent, Plan, PlanRow
from tests.support.factories import row_form


def _form(row, **overrides):
    return row_form(row, autosave="1", **overrides)


def _setup(client, make):
    org = make.organisation()
    editor = make.user(organisation=org)
    plan = make.plan(org, refs=("1.1.4",), by=editor)
    client.sign_in(editor.email)
    return plan, PlanRow.get(PlanRow.plan == plan.id)


def test_an_unchanged_save_keeps_the_row_and_plan_versions(client, make):
    plan, row = _setup(client, make)
    url = f"/plans/{plan.id}/rows/{row.id}"
    assert client.post(url, _form(row), htmx=True).status_code == 200  # a real change: version 2
    saved = PlanRow.get_by_id(row.id)
    plan_version, events = Plan.get_by_id(plan.id).version, AuditEvent.select().count()
    for _ in range(3):
        response = client.post(url, _form(saved), htmx=True)
        assert response.status_code == 200
        assert f'value="{saved.version}"' in response.get_data(as_text=True)  # the version handed back
    assert PlanRow.get_by_id(row.id).version == saved.version
    assert Plan.get_by_id(plan.id).version == plan_version
    assert AuditEvent.select().count() == events


def test_a_changed_save_still_bumps_the_version(client, make):
    plan, row = _setup(client, make)
    url = f"/plans/{plan.id}/rows/{row.id}"
    client.post(url, _form(row), htmx=True)
    saved = PlanRow.get_by_id(row.id)
    assert client.post(url, _form(saved, owner="Sam Patel, SIRO"), htmx=True).status_code == 200
    assert PlanRow.get_by_id(row.id).version == saved.version + 1


def test_an_unchanged_save_from_a_stale_editor_is_still_a_conflict(client, make):
    """Another tab saved first: even posting what is now stored, the stale version is refused."""
    plan, row = _setup(client, make)
    url = f"/plans/{plan.id}/rows/{row.id}"
    client.post(url, _form(row), htmx=True)  # version 1 -> 2
    response = client.post(url, _form(row), htmx=True)  # still says version 1
    assert response.status_code == 409
