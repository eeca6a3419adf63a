"""Hostile input through every way text gets in: the row editor, sign-off, admin forms, the
catalogue and spreadsheet imports. It is stored as typed (NUL removed), shown escaped on pages,
neutralised in spreadsheets, inert in PDFs, and never crashes the portal (SQLite or PostgreSQL)."""

import csv
import gc
import io

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook
from pypdf import PdfReader

from dspt_portal import roles
from dspt_portal.exports import pdf as pdf_export
from dspt_portal.models import EvidenceItem, Organisation, PlanRow, SignOff, User
from tests.exports.xlsx_helpers import edit
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
# What the payloads would look like had they reached the page unescaped.
RAW_MARKUP = ("<script>alert", "<img src=x", "<svg/onload", '<img src="file:', "<link rel=stylesheet")


@pytest.fixture(autouse=True)
def _tidy():
    """Evidence items are reference data the suite keeps between tests: remove the ones made here.
    Collect garbage while ResourceWarning is ignored, so upload temp files are not blamed on later tests."""
    yield
    EvidenceItem.delete().where(EvidenceItem.ref.startswith("9.9.")).execute()
    gc.collect()


@pytest.fixture
def editor(client, make):
    org = make.organisation(name="Riverside NHS Trust", org_type="NHS Trust")
    user = make.user(roles.ORG_EDITOR, organisation=org, email="ed@example.org")
    plan = make.plan(org, refs=("1.1.4",), by=user)
    client.sign_in("ed@example.org")
    return client, plan, PlanRow.get(PlanRow.plan == plan.id)


def _row_form(row, text, **overrides) -> dict:
    data = {
        "version": str(PlanRow.get_by_id(row.id).version),
        "current_position": text,
        "actions": text,
        "milestones-0-description": text,
        "milestones-0-date": text[:100],
        "completion_date": text[:100],
        "owner": text,
        "covid_impact": "no",
        "covid_note": text,
        "exceptional_circumstances": text,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("text", hostile.TEXT)
def test_row_editor_stores_hostile_text_as_typed_and_shows_it_escaped(editor, text):
    client, plan, row = editor
    response = client.post(f"/plans/{plan.id}/rows/{row.id}", _row_form(row, text))
    assert response.status_code == 302
    saved = PlanRow.get_by_id(row.id)
    assert saved.actions == text.strip() and saved.owner == text.strip()
    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200
    _no_markup_from(page)
    doc = lxml_html.fromstring(page.get_data(as_text=True))
    # Shown back in the editor exactly as typed (and so as text, never as markup or a template).
    assert text.strip() in [t.strip() for t in doc.xpath("//textarea[contains(@name, 'actions')]/text()")]
    assert "test-secret" not in page.get_data(as_text=True)


def test_nul_bytes_are_removed_not_stored_and_do_not_crash_the_database(editor):
    client, plan, row = editor
    response = client.post(f"/plans/{plan.id}/rows/{row.id}", _row_form(row, hostile.NUL))
    assert response.status_code == 302
    saved = PlanRow.get_by_id(row.id)
    assert saved.actions == saved.owner == "beforeafter"
    # Everywhere else a form takes text, including sign-in (the e-mail is looked up in the database).
    client.sign_out()
    client.get("/sign-in")
    refused = client.post("/sign-in", {"email": "ed@example.org\x00", "password": "demo-password-1\x00"})
    assert refused.status_code in (302, 401)


def test_over_long_text_is_kept_but_flagged_not_a_crash(editor):
    """PostgreSQL enforces varchar widths (SQLite does not): an over-long owner, date or COVID answer
    once made the save fail with a server error there."""
    client, plan, row = editor
    long = hostile.OVER_LONG[:20_000]
    response = client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        _row_form(
            row,
            long,
            completion_date="3" * 500,
            covid_impact="maybe" * 10,
            **{"milestones-0-date": "1" * 500},
        ),
        htmx=True,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Actions required must be 4,000 characters or fewer" in body
    assert "Action owner must be 200 characters or fewer" in body
    assert "Select whether COVID affected this item" in body
    assert long in body  # what was typed is still on the screen, to shorten
    saved = PlanRow.get_by_id(row.id)
    assert len(saved.actions) == 20_000  # text columns keep everything typed
    assert saved.owner == long[:300]  # fixed-width columns keep as much as fits


@pytest.mark.parametrize("text", [*hostile.XSS, *hostile.SQL, hostile.NUL, hostile.UNICODE[0]])
def test_sign_off_with_hostile_names(client, make, text):
    org = make.organisation()
    make.user(roles.ORG_SIGNATORY, organisation=org, email="siro@example.org")
    plan = make.complete_plan(org)
    client.sign_in("siro@example.org")
    data = {
        "name": text,
        "role": text,
        "board": text,
        "meeting_date": "10/07/2023",
        "minute_reference": text[:100],
    }
    response = client.post(f"/plans/{plan.id}/sign-off", data)
    if len(text.strip()) > 100:
        assert response.status_code == 422
        return
    assert response.status_code == 302
    sign_off = SignOff.get(SignOff.plan == plan.id)
    assert sign_off.name == text.replace("\x00", "").strip()
    page = client.get(f"/plans/{plan.id}")
    _no_markup_from(page)


def _no_markup_from(page):
    body = page.get_data(as_text=True)
    for marker in RAW_MARKUP:
        assert marker not in body
    doc = lxml_html.fromstring(body)
    assert not doc.xpath("//*[@onerror or @onload]")


def test_over_long_sign_off_fields_are_refused_with_a_message(client, make):
    org = make.organisation()
    make.user(roles.ORG_SIGNATORY, organisation=org, email="siro@example.org")
    plan = make.complete_plan(org)
    client.sign_in("siro@example.org")
    text = hostile.OVER_LONG[:5000]
    response = client.post(
        f"/plans/{plan.id}/sign-off",
        {"name": text, "role": "SIRO", "board": "Board", "meeting_date": "10/07/2023"},
    )
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters" in client.text(
        response
    ) or "200 characters" in client.text(response)


@pytest.mark.parametrize("text", [*hostile.XSS, *hostile.SQL, hostile.NUL, *hostile.UNICODE])
def test_admin_forms_store_hostile_names_and_list_them_escaped(client, make, text):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    response = client.post(
        "/admin/organisations/new", {"ods_code": "ZX1", "name": text[:200], "org_type": "NHS Trust"}
    )
    assert response.status_code == 302, client.text(response)[:500]
    assert Organisation.get(Organisation.ods_code == "ZX1").name == text[:200].replace("\x00", "").strip()
    _no_markup_from(client.get("/admin/organisations"))
    response = client.post(
        "/admin/users/new",
        {
            "email": "new.person@example.org",
            "full_name": text[:200],
            "role": roles.NATIONAL_REVIEWER,
            "password": "a-long-temporary-pw",
        },
    )
    assert response.status_code == 302, client.text(response)[:500]
    assert (
        User.get(User.email == "new.person@example.org").full_name == text[:200].replace("\x00", "").strip()
    )
    _no_markup_from(client.get("/admin/users"))


@pytest.mark.parametrize("code", ["<b>", "' OR 1=1", "RX\x00X", "\u202eRXX", "ＲＸＸ", "R" * 6])
def test_hostile_ods_codes_are_refused_with_the_rule(client, make, code):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    response = client.post(
        "/admin/organisations/new", {"ods_code": code, "name": "X", "org_type": "NHS Trust"}
    )
    if code == "RX\x00X":  # NUL is removed first, leaving a valid code
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert "Enter an ODS code of 3 to 5 letters and numbers" in client.text(response)


def test_catalogue_import_with_hostile_text(client, make):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    rows = [
        ["toolkit_year", "standard", "standard_title", "assertion", "ref", "text", "mandatory", "org_types"]
    ]
    for n, text in enumerate(hostile.TEXT, start=1):
        rows.append(["2022-23", "9", "Hostile " + text[:50], "9.9", f"9.9.{n}", text, "TRUE", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = client.post(
        "/admin/catalogue",
        {"file": (io.BytesIO(buffer.getvalue().encode()), "cat.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    stored = {i.ref: i.text for i in EvidenceItem.select().where(EvidenceItem.ref.startswith("9.9."))}
    if stored:  # imported: as typed
        assert sorted(stored.values()) == sorted(t.strip() for t in hostile.TEXT)
    _no_markup_from(client.get("/admin/catalogue"))


def test_catalogue_import_with_nul_bytes_is_refused_cleanly(client, make):
    make.user(roles.ADMIN, email="admin@example.org")
    client.sign_in("admin@example.org")
    data = (
        b"toolkit_year,standard,standard_title,assertion,ref,text,mandatory,org_types\n"
        b"2022-23,9,Nul\x00title,9.9,9.9.1,Text\x00with nul,TRUE,\n"
    )
    response = client.post(
        "/admin/catalogue", {"file": (io.BytesIO(data), "cat.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code in (200, 302)
    assert all("\x00" not in i.text for i in EvidenceItem.select())


def test_spreadsheet_round_trip_neutralises_formulas_in_the_downloads(editor):
    client, plan, row = editor
    formula = hostile.FORMULAS[0]
    client.post(
        f"/plans/{plan.id}/rows/{row.id}",
        _row_form(
            row,
            "x",
            actions=formula,
            owner="+cmd|' /C calc'!A0",
            current_position="@SUM(1+1)",
            covid_note="-2+3",
            exceptional_circumstances="\t=1+1",
        ),
    )
    xlsx = client.get(f"/plans/{plan.id}/plan.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data))["Improvement plan"]
    cells = [c for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + formula in values and "'+cmd|' /C calc'!A0" in values and "'@SUM(1+1)" in values
    # Forms trim surrounding white space, so "\t=1+1" arrives as "=1+1" and is neutralised like it.
    assert "'-2+3" in values and "'=1+1" in values
    assert not [v for v in values if v[:1] in "=+-@\t\r"]  # nothing a spreadsheet would evaluate
    text = client.get(f"/plans/{plan.id}/plan.csv").get_data(as_text=True)
    for value in (c for r in csv.reader(io.StringIO(text)) for c in r):
        assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value
    # ...and importing the downloaded file gives back exactly what was typed.
    upload = client.post(
        f"/plans/{plan.id}/import",
        {"file": (io.BytesIO(xlsx.data), "plan.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    assert "1.1.4 No change" in client.text(upload)
    assert "Apply these changes" not in client.text(upload)


def test_spreadsheet_import_of_hostile_cells_previews_escaped_and_refuses_real_formulas(editor):
    client, plan, row = editor
    exported = client.get(f"/plans/{plan.id}/plan.xlsx").data

    def change(ws):
        ws["E6"] = "<script>alert(1)</script>"
        ws["H6"] = '=HYPERLINK("http://evil.example","x")'  # a real formula, typed into Excel

    response = client.post(
        f"/plans/{plan.id}/import",
        {"file": (io.BytesIO(edit(exported, change)), "p.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "remove the formula and type the value" in client.text(response)
    _no_markup_from(response)


def test_a_row_cannot_make_the_pdf_read_local_files(editor, monkeypatch):
    client, plan, row = editor
    payload = '<img src="file:///etc/passwd"><link rel=stylesheet href="file:///etc/hostname">'
    client.post(f"/plans/{plan.id}/rows/{row.id}", _row_form(row, payload))
    requested = []
    real_fetch = pdf_export.LockedDownURLFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf_export.LockedDownURLFetcher, "fetch", spy)
    response = client.get(f"/plans/{plan.id}/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert not [u for u in requested if "/etc/" in u]
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "root:" not in text
    assert "file:///etc/passwd" in text.replace("\n", "")  # shown as the text that was typed
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
