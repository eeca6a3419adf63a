"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL), the app,
a page-checking client, and factories that read like the domain."""

import datetime as dt
import os
import uuid

import pytest

from dspt_portal import create_app, reference
from dspt_portal.database import make_database, upgrade
from dspt_portal.extensions import db
from dspt_portal.models import MODELS, EvidenceItem, Region, ToolkitYear
from tests.support.client import PageClient
from tests.support.factories import Factories

TODAY = dt.date(2023, 7, 17)  # inside the 2022-23 cycle: the year's rules apply
REFERENCE_TABLES = {Region, ToolkitYear, EvidenceItem}


def _postgres_url():
    return os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One migrated database per test run, with reference data loaded once."""
    url = _postgres_url()
    if url:
        # A fresh database for this run, so runs never share state.
        admin = make_database(url)
        name = f"portal_test_{uuid.uuid4().hex[:8]}"
        admin.execute_sql(f'CREATE DATABASE "{name}"')
        admin.close()
        url = url.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True})
    with app.app_context():
        upgrade()
        with db.connection_context():
            reference.load_all()
            _reference_state["last_item"] = EvidenceItem.select().order_by(EvidenceItem.id.desc()).first().id
    db.close()
    return url


_reference_state = {}


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
            "PORTAL_BASE_URL": "http://localhost",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context(), db.connection_context():
        # Keep reference data; clear everything else so each test starts from the same place.
        for model in reversed(MODELS):
            if model not in REFERENCE_TABLES:
                model.delete().execute()
        # Tests that import catalogue items or set mandatory flags must not leak into others.
        EvidenceItem.delete().where(EvidenceItem.id > _reference_state["last_item"]).execute()
        EvidenceItem.update(mandatory=None).where(EvidenceItem.mandatory.is_null(False)).execute()
    db.close()
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return PageClient(app.test_client())


@pytest.fixture
def make(app):
    """Factories (make.organisation, make.user, make.plan, ...). No app context is held open:
    test-client requests would reuse it, and `g` (the CSRF token) would leak between requests."""
    yield Factories()
    if not db.is_closed():
        db.close()
