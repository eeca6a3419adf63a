"""Uploads are limited in size and type, and hostile packages (zip bombs, macros, fakes) are refused
through the real views, with a message and without changing anything."""

import gc
import io

import pytest

from dspt_portal import roles
from dspt_portal.models import EvidenceItem, PlanRow
from tests.exports.xlsx_helpers import rezip, zip_bomb

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(autouse=True)
def _collect_upload_files():
    """Werkzeug spools big uploads to temporary files; collect them while ResourceWarning is ignored
    here, so they are not reported in whichever test happens to run the garbage collector next."""
    yield
    gc.collect()


@pytest.fixture
def plan_page(client, make):
    org = make.organisation(org_type="NHS Trust")
    user = make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    plan = make.plan(org, refs=("1.1.4",), by=user)
    client.sign_in("ed@example.org")
    return client, plan


def _rows(plan):
    return sorted(map(repr, PlanRow.select().where(PlanRow.plan == plan.id).dicts()))


def _upload(client, url, data: bytes, name: str):
    return client.post(url, {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _exported(client, plan) -> bytes:
    return client.get(f"/plans/{plan.id}/plan.xlsx").data


@pytest.mark.parametrize(
    ("name", "make_file", "message"),
    [
        ("bomb.xlsx", lambda ok: zip_bomb(), "too large when unpacked"),
        ("macros.xlsx", lambda ok: rezip(ok, {"xl/vbaProject.bin": b"\0" * 64}), "contains macros"),
        ("old.xls", lambda ok: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old .xls file"),
        (
            "fake.xlsx",
            lambda ok: b"<html><script>alert(1)</script></html>",
            "must be an Excel .xlsx spreadsheet",
        ),
        ("big.xlsx", lambda ok: b"PK\x03\x04" + b"\0" * 5_200_000, "the most it can be is 5 MB"),
        ("empty.xlsx", lambda ok: b"", "The file is empty"),
    ],
)
def test_hostile_spreadsheets_are_refused_with_a_message_and_change_nothing(
    plan_page, name, make_file, message
):
    client, plan = plan_page
    before = _rows(plan)
    response = _upload(client, f"/plans/{plan.id}/import", make_file(_exported(client, plan)), name)
    assert response.status_code == 422
    assert message in client.text(response)
    assert "Apply these changes" not in client.text(response)
    assert _rows(plan) == before


def test_a_request_over_the_size_limit_gets_the_too_large_page(plan_page):
    client, plan = plan_page
    response = _upload(client, f"/plans/{plan.id}/import", b"PK\x03\x04" + b"\0" * 7_000_000, "huge.xlsx")
    assert response.status_code == 413
    assert "The file is too large" in client.text(response)
    assert "Files must be 5 MB or smaller" in client.text(response)


def test_the_catalogue_refuses_other_file_types_and_zip_bombs(client, make):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    count = EvidenceItem.select().count()
    wrong_type = _upload(client, "/admin/catalogue", b"MZ\x90\x00", "catalogue.exe")
    assert "The file must be a CSV or XLSX file" in client.text(wrong_type)
    bomb = _upload(client, "/admin/catalogue", zip_bomb(), "catalogue.xlsx")
    assert bomb.status_code == 200
    assert "too large when unpacked" in client.text(bomb)
    assert EvidenceItem.select().count() == count
