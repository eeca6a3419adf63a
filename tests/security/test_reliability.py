"""Nothing is lost: a submission is a consistent snapshot even while someone edits; a database that
goes away gives a clear 503 page and leaves nothing half-written; a failed import applies nothing."""

import os
import threading

import pytest
from peewee import OperationalError

from dspt_portal import create_app, roles
from dspt_portal import plans as plan_verbs
from dspt_portal.extensions import db
from dspt_portal.models import AuditEvent, Plan, PlanRow, Submission
from tests.conftest import TODAY
from tests.security.test_csrf import fingerprint
from tests.support.client import PageClient
from tests.support.factories import good_row

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


# --- A submission snapshot stays consistent while another user edits (PostgreSQL) -------------


def _in_thread(target, errors):
    def run():
        try:
            db.connect(reuse_if_open=True)
            target()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            db.close()

    return threading.Thread(target=run)


@pytest.mark.parametrize("first", ["submit", "edit"])
def test_a_submission_and_a_concurrent_edit_never_leave_the_plan_and_its_snapshot_apart(
    app, make, monkeypatch, first
):
    """Two threads, two connections: on PostgreSQL row locks decide, on SQLite the write lock.
    (This race was real on both: the edit checked the plan's state before its transaction.)"""
    org = make.organisation(org_type="NHS Trust")
    editor = make.user(roles.ORG_EDITOR, organisation=org)
    other_editor = make.user(roles.ORG_EDITOR, organisation=org)
    plan = make.signed_off(make.complete_plan(org, by=editor))
    row = PlanRow.select().where(PlanRow.plan == plan.id).order_by(PlanRow.id).first()
    db.close()

    inside = threading.Event()  # the first writer is inside its transaction, holding what it holds
    real_check_rows, real_describe = plan_verbs.check_rows, plan_verbs._describe_changes

    def pause(event_owner):
        if threading.current_thread().name == event_owner:
            inside.set()
            threading.Event().wait(0.6)  # hold the transaction open while the other one tries

    def slow_check_rows(*args, **kwargs):  # called by submit after it has read the rows
        result = real_check_rows(*args, **kwargs)
        pause("submit")
        return result

    def slow_describe(*args, **kwargs):  # called by save_row after it has written the row
        result = real_describe(*args, **kwargs)
        pause("edit")
        return result

    monkeypatch.setattr(plan_verbs, "check_rows", slow_check_rows)
    monkeypatch.setattr(plan_verbs, "_describe_changes", slow_describe)
    outcomes, errors = {}, []

    def submit():
        try:
            outcomes["submit"] = plan_verbs.submit(editor, Plan.get_by_id(plan.id), TODAY)
        except plan_verbs.NotReady:
            outcomes["submit"] = "refused: not ready"

    def edit():
        if first == "submit":
            inside.wait(5)
        fresh = PlanRow.get_by_id(row.id)
        try:
            plan_verbs.save_row(
                other_editor,
                Plan.get_by_id(plan.id),
                fresh,
                plan_verbs.RowEdit(good_row(owner="Changed by a colleague"), False, fresh.version),
                TODAY,
            )
            outcomes["edit"] = "saved"
        except plan_verbs.NotEditable:
            outcomes["edit"] = "refused: submitted"

    threads = {"submit": _in_thread(submit, errors), "edit": _in_thread(edit, errors)}
    for name, thread in threads.items():
        thread.name = name
    threads[first].start()
    if first == "edit":
        inside.wait(5)
    threads["submit" if first == "edit" else "edit"].start()
    for thread in threads.values():
        thread.join(20)
    assert errors == []

    live = Plan.get_by_id(plan.id)
    rows = plan_verbs.load_rows(live)
    if first == "submit":
        assert isinstance(outcomes["submit"], Submission)
        assert outcomes["edit"] == "refused: submitted"  # never written behind the reviewer's back
    else:
        assert outcomes == {"edit": "saved", "submit": "refused: not ready"}  # the sign-off is now stale
    for submission in Submission.select().where(Submission.plan == plan.id):
        # What NHS England received is exactly what the plan holds while it is with them.
        assert submission.snapshot["rows"] == [plan_verbs.row_dict(r) for r in rows]
        assert submission.content_hash == plan_verbs.plan_hash(rows)
    assert PlanRow.get_by_id(row.id).owner == (
        "Changed by a colleague" if first == "edit" else good_row().owner
    )


# --- The database goes away ----------------------------------------------------------------


def test_an_unreachable_database_gives_the_503_page_not_a_crash(database_url, make):
    from tests.security.conftest import sign_in_as

    org = make.organisation()
    user = make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    down = create_app(
        {
            "DATABASE_URL": "postgresql://portal@127.0.0.1:9/portal?connect_timeout=2",
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
        }
    )
    anonymous, signed_in = (
        PageClient(down.test_client()),
        sign_in_as(down, PageClient(down.test_client()), user),
    )
    attempts = [
        (anonymous, "GET", "/status"),  # public, but it reads the statuses
        (anonymous, "POST", "/sign-in"),  # looks the account up
        (signed_in, "GET", "/plans"),  # loads the signed-in user
    ]
    for client, method, url in attempts:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {"email": "ed@example.org", "password": "demo-password-1"})
        assert response.status_code == 503, url
        text = client.text(response)
        assert "Sorry, the service is unavailable" in text
        assert "The database cannot be reached at the moment" in text
        assert "your last saved changes are safe" in text
        assert "Traceback" not in text and "port 9" not in text  # nothing about the internals
    health = anonymous.get("/healthz")
    assert health.status_code == 503 and health.json == {"status": "unavailable", "database": "unreachable"}


@pytest.fixture
def editor(client, make):
    org = make.organisation(org_type="NHS Trust")
    user = make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    plan = make.plan(org, refs=("1.1.4", "3.2.1", "1.1.5"), by=user)
    client.sign_in("ed@example.org")
    return client, plan


def _import_two_rows(client, plan) -> str:
    """Upload a spreadsheet that changes two rows and return the signed preview to apply."""
    import io
    import re

    from tests.exports.xlsx_helpers import edit

    exported = client.get(f"/plans/{plan.id}/plan.xlsx").data

    def change(ws):
        for r in (6, 7):
            ws.cell(row=r, column=5).value = "Imported actions that are long enough to count as a plan."
            ws.cell(row=r, column=8).value = "Imported owner"

    page = client.post(
        f"/plans/{plan.id}/import",
        {"file": (io.BytesIO(edit(exported, change)), "p.xlsx")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200, client.text(page)[:800]
    return re.search(r'name="preview" value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_database_failure_part_way_through_an_import_applies_nothing(editor, monkeypatch):
    client, plan = editor
    preview = _import_two_rows(client, plan)
    before = fingerprint()
    real_save_row, calls = plan_verbs.save_row, []

    def failing_save_row(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first row is already written when the database goes away
            if ON_POSTGRES:
                db.execute_sql("SELECT pg_terminate_backend(pg_backend_pid())")
            raise OperationalError("server closed the connection unexpectedly")
        return real_save_row(*args, **kwargs)

    monkeypatch.setattr(plan_verbs, "save_row", failing_save_row)
    response = client.post(f"/plans/{plan.id}/import/apply", {"preview": preview})
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in client.text(response)
    assert len(calls) == 2
    monkeypatch.setattr(plan_verbs, "save_row", real_save_row)
    assert fingerprint() == before  # the first row's change was rolled back with the rest
    assert client.get(f"/plans/{plan.id}").status_code == 200  # and the next request works again


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_failing_import_applies_nothing_and_a_good_one_applies_everything(editor, monkeypatch):
    client, plan = editor
    preview = _import_two_rows(client, plan)
    before = fingerprint()
    real_record = plan_verbs.audit.record

    def audit_fails(*args, **kwargs):
        if args[1] == "imported":  # the very last write of the import
            raise RuntimeError("disk full")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(plan_verbs.audit, "record", audit_fails)
    response = client.post(f"/plans/{plan.id}/import/apply", {"preview": preview})
    assert response.status_code == 500
    assert "Nothing you saved before this error has been lost" in client.text(response)
    assert fingerprint() == before
    monkeypatch.setattr(plan_verbs.audit, "record", real_record)
    response = client.post(f"/plans/{plan.id}/import/apply", {"preview": preview})
    assert response.status_code == 302
    owners = [r.owner for r in PlanRow.select().where(PlanRow.plan == plan.id).order_by(PlanRow.id)]
    assert owners.count("Imported owner") == 2
    assert (
        AuditEvent.select().where((AuditEvent.plan == plan.id) & (AuditEvent.action == "imported")).count()
        == 1
    )
