"""Migrations from an empty database reach a schema that matches the models, on SQLite and PostgreSQL."""

import uuid

from playhouse.schema_diff import diff_models

from dspt_portal import create_app
from dspt_portal.database import make_database, pending_migrations, upgrade
from dspt_portal.extensions import db
from dspt_portal.models import MODELS
from tests.conftest import _postgres_url


def _empty_database_url(tmp_path):
    url = _postgres_url()
    if not url:
        return f"sqlite:///{tmp_path / 'empty.db'}"
    admin = make_database(url)
    name = f"portal_migrate_{uuid.uuid4().hex[:8]}"
    admin.execute_sql(f'CREATE DATABASE "{name}"')
    admin.close()
    return url.rsplit("/", 1)[0] + "/" + name


def test_migrations_from_empty_match_the_models(tmp_path):
    app = create_app({"DATABASE_URL": _empty_database_url(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        assert pending_migrations() == ["0001_initial"]
        assert upgrade() == ["0001_initial"]
        assert pending_migrations() == []
        with db.connection_context():
            diff = diff_models(db.obj, MODELS)
            assert not diff, f"models and migrations differ:\n{diff}"
            # Unique rules users rely on exist in the database, not only in Python.
            indexes = {tuple(i.columns): i.unique for i in db.obj.get_indexes("plan_row")}
            assert indexes[("plan_id", "evidence_item_id")] is True
        assert upgrade() == []  # running again changes nothing
    db.close()
