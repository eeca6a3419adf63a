"""Bind the database from DATABASE_URL, open/close per request, and run numbered migrations."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import OperationalError
from playhouse.db_url import connect
from playhouse.migrations import Runner

from .config import ConfigError
from .extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Each request still opens and closes "its" connection, but close() hands it back to a pool: a new
# connection (and SQLite's pragmas) cost ~1 ms a request, a PostgreSQL connection far more.
# A sync worker uses one; threaded servers wait up to `timeout` seconds for a free one.
POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 10}


def make_database(url: str):
    """A peewee database for a URL, with a clear error for anything unsupported."""
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(
            f"DATABASE_URL must start with sqlite:/// or postgresql:// (it is {url.split(':')[0]!r})"
        )
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers carry on while a worker writes; foreign keys are off by default in SQLite.
        # BEGIN IMMEDIATE takes the write lock up front, so two workers' transactions queue behind
        # the busy timeout instead of failing with "database is locked" when a reader upgrades.
        # synchronous=NORMAL is SQLite's advice for WAL: no fsync per commit (0.4 ms of waiting on
        # every autosave here), never a corrupt file; a power cut can lose the last commits, which
        # a database that must survive that should not be SQLite anyway (use PostgreSQL).
        return connect(
            url.replace("sqlite:///", "sqlite+pool:///", 1),
            pragmas={
                "journal_mode": "wal",
                "synchronous": "normal",
                "foreign_keys": 1,
                "busy_timeout": 10000,
            },
            lock_type="IMMEDIATE",
            check_same_thread=False,  # a pooled connection moves between threads, one at a time
            **POOL,
        )
    url = url.replace("postgres://", "postgresql://", 1)
    return connect(url.replace("postgresql://", "postgresql+pool://", 1), **POOL)


def init_app(app):
    db.initialize(make_database(app.config["DATABASE_URL"]))

    # Connections open on the first query (peewee's autoconnect), so a page that needs no data
    # never waits on the database, and /healthz can report an outage itself; each closes here.
    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    app.cli.add_command(migrate_command)


def migration_runner() -> Runner:
    return Runner(db.obj, directory=str(MIGRATIONS_DIR))


def upgrade() -> list[str]:
    """Apply every pending migration; returns their names."""
    with db.connection_context():
        return migration_runner().up()


def pending_migrations() -> list[str]:
    with db.connection_context():
        return [m.name for m in migration_runner().status() if not m.applied]


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply pending database migrations."""
    try:
        applied = upgrade()
    except OperationalError as exc:
        raise click.ClickException(
            f"Could not reach the database at {_safe_url(current_app.config['DATABASE_URL'])}: {exc}"
        ) from exc
    click.echo("\n".join(f"Applied {name}" for name in applied) or "Database is up to date.")


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}"
    return url
