"""`flask backup` / `flask restore`: a backup taken from the live SQLite database brings back every
plan, submission and audit record; PostgreSQL deployments are pointed at pg_dump."""

import os

import pytest

from dspt_portal import create_app
from dspt_portal.models import AuditEvent, Plan, PlanRow, Submission
from tests.security.conftest import build_world
from tests.security.test_csrf import fingerprint

sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="SQLite backup and restore; PostgreSQL uses pg_dump (tested below)",
)


@sqlite_only
def test_restore_brings_back_every_plan_submission_and_audit_record(app, make, tmp_path):
    build_world(make)
    runner = app.test_cli_runner()
    before = fingerprint()
    assert (
        Plan.select().count() == 4 and Submission.select().count() == 3 and AuditEvent.select().count() > 10
    )

    result = runner.invoke(args=["backup", str(tmp_path / "portal-backup.db")])
    assert result.exit_code == 0, result.output
    assert "Backed up the database to" in result.output

    # Disaster: the plans are gone (cascading to rows, submissions, sign-offs...).
    AuditEvent.delete().execute()
    for plan in Plan.select():
        plan.delete_instance(recursive=True)
    assert Submission.select().count() == PlanRow.select().count() == 0

    result = runner.invoke(args=["restore", str(tmp_path / "portal-backup.db"), "--yes"])
    assert result.exit_code == 0, result.output
    assert fingerprint() == before


@sqlite_only
def test_backup_never_overwrites_and_restore_refuses_files_that_are_not_portal_databases(app, tmp_path):
    runner = app.test_cli_runner()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"yesterday's backup")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_bytes() == b"yesterday's backup"

    before = fingerprint()
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("not a database")
    result = runner.invoke(args=["restore", str(not_sqlite), "--yes"])
    assert result.exit_code != 0 and "not a SQLite database" in result.output

    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE unrelated (x)").connection.close()
    result = runner.invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code != 0 and "is not a portal database" in result.output
    assert fingerprint() == before


@sqlite_only
def test_restore_asks_before_replacing_everything(app, tmp_path, make):
    runner = app.test_cli_runner()
    runner.invoke(args=["backup", str(tmp_path / "b.db")])
    make.organisation(name="Created after the backup")
    before = fingerprint()
    result = runner.invoke(args=["restore", str(tmp_path / "b.db")], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
    assert fingerprint() == before


def test_for_postgresql_backup_prints_the_pg_dump_command_and_fails():
    app = create_app(
        {"DATABASE_URL": "postgresql://portal:s3cret@db.internal/portal", "SECRET_KEY": "x", "TESTING": True}
    )
    for args in (["backup", "portal.dump"], ["restore", "portal.dump", "--yes"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1
        assert (
            'pg_dump --format=custom --file=portal-$(date +%F).dump "postgresql://portal:***@db.internal/portal"'
            in result.output
        )
        assert "pg_restore --clean --if-exists" in result.output
        assert "s3cret" not in result.output
    assert not os.path.exists("portal.dump")
