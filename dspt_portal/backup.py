"""`flask backup PATH` and `flask restore PATH`: consistent copies of a SQLite database.

SQLite is copied with its online backup API (sqlite3.Connection.backup), so a backup taken while
the portal is serving is still a consistent snapshot, WAL included. PostgreSQL is backed up with
its own tools: the command prints the pg_dump / pg_restore lines to use and exits non-zero, so a
cron job that calls it by mistake fails loudly instead of silently producing nothing.
"""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .database import _safe_url

# Tables a file must have to be a portal database (checked before restoring over the live one).
REQUIRED_TABLES = {"plan", "plan_row", "submission", "audit_event", "user", "organisation"}


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead: the message says why and what to do."""


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise BackupError(_postgres_help(url))
    return Path(url.removeprefix("sqlite:///"))


def _postgres_help(url: str) -> str:
    safe = _safe_url(url)
    return (
        "This portal uses PostgreSQL: back it up with PostgreSQL's own tools, for example\n"
        f'  pg_dump --format=custom --file=portal-$(date +%F).dump "{safe}"\n'
        "and restore with\n"
        f'  pg_restore --clean --if-exists --dbname "{safe}" portal-YYYY-MM-DD.dump\n'
        "(use the real password, or a ~/.pgpass file, in place of ***)."
    )


def _check(path: Path) -> None:
    """Refuse a file that is not an intact portal database."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from exc
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database: {exc}") from exc
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"{path} is damaged (integrity check: {result})")
    if missing := REQUIRED_TABLES - tables:
        raise BackupError(f"{path} is not a portal database: it has no {', '.join(sorted(missing))} table")


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the live database to `target` (which must not exist yet) and check the copy."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up")
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name so no backup is overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    _check(target)
    return target


def restore_sqlite(url: str, backup: Path) -> Path:
    """Replace the live database's contents with the backup's, after checking the backup."""
    target = sqlite_path(url)
    if not backup.exists():
        raise BackupError(f"There is no backup at {backup}")
    _check(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, target)  # the backup API replaces every page of the target in one transaction
    return target


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Copy the SQLite database to PATH (for PostgreSQL, prints the pg_dump command)."""
    backup_sqlite(current_app.config["DATABASE_URL"], path)
    click.echo(f"Backed up the database to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
def restore_command(path: Path, yes: bool):
    """Replace the SQLite database with the backup at PATH. Stop the portal first."""
    target = sqlite_path(current_app.config["DATABASE_URL"])
    if not yes:
        click.confirm(f"Replace everything in {target} with {path}?", abort=True)
    restore_sqlite(current_app.config["DATABASE_URL"], path)
    click.echo(f"Restored {target} from {path}.")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
