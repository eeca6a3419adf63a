"""Counting SQL queries per request: the regression tests for N+1 queries (counts, not timings)."""

import pytest

from dspt_portal.extensions import db
from dspt_portal.models import EvidenceItem, ToolkitYear
from tests.support.client import PageClient


class QueryCounter:
    """Counts the statements a request sends to the database (SQLite and PostgreSQL alike)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, send) -> tuple[int, object]:
        calls = []
        real = db.obj.execute_sql

        def counting(sql, *args, **kwargs):
            calls.append(sql)
            return real(sql, *args, **kwargs)

        self.monkeypatch.setattr(db.obj, "execute_sql", counting)
        try:
            response = send()
        finally:
            self.monkeypatch.setattr(db.obj, "execute_sql", real)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return len(calls), response


@pytest.fixture
def count_queries(monkeypatch):
    return QueryCounter(monkeypatch)


@pytest.fixture
def new_client(app):
    """Another browser: each user signs in with their own client."""
    return lambda: PageClient(app.test_client())


def catalogue_refs(count: int, year: str = "2022-23") -> list[str]:
    """The first `count` evidence items of a year's bundled catalogue."""
    year_id = ToolkitYear.get(ToolkitYear.label == year).id
    query = (
        EvidenceItem.select(EvidenceItem.ref)
        .where(EvidenceItem.toolkit_year == year_id)
        .order_by(EvidenceItem.id)
        .limit(count)
    )
    refs = [item.ref for item in query]
    assert len(refs) == count
    return refs
