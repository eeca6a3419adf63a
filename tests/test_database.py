"""The SQLite settings the portal relies on: WAL, foreign keys, a busy timeout, no fsync per commit."""

import pytest

from dspt_portal.database import make_database


def test_sqlite_connections_are_set_up_for_several_workers(tmp_path):
    database = make_database(f"sqlite:///{tmp_path / 'portal.db'}")
    database.connect()
    try:
        pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert pragma("journal_mode") == "wal"  # readers carry on while a worker writes
        assert pragma("synchronous") == 1  # NORMAL: safe under WAL, no fsync on every autosave
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10000  # a second writer waits instead of failing
    finally:
        database.close()


def test_an_unsupported_database_url_is_named(tmp_path):
    from dspt_portal.config import ConfigError

    with pytest.raises(ConfigError, match="mysql"):
        make_database("mysql://localhost/portal")
