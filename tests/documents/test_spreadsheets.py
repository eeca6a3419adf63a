"""XLSX and CSV downloads, and the spreadsheet import (upload, preview, apply) through the views."""

import csv
import datetime as dt
import io

from lxml import html as lxml_html
from openpyxl import Workbook, load_workbook

from dspt_portal import plans as plan_verbs
from dspt_portal.exports.xlsx import HEADER_ROW, MSG_NOT_XLSX, SHEET_TITLE
from dspt_portal.models import AuditEvent, Plan, PlanRow
from tests.conftest import TODAY
from tests.support.factories import good_row

OWNER_COLUMN = 8  # "Action owner" in the portal's export (column H)


def download_xlsx(client, plan) -> bytes:
    response = client.get(f"/plans/{plan.id}/plan.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response.data


def upload(client, plan, data: bytes, name="plan.xlsx"):
    response = client.post(
        f"/plans/{plan.id}/import", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    return response, client.text(response)


def preview_token(response) -> str:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return doc.xpath("//input[@name='preview']/@value")[0]


def with_owner(data: bytes, ref: str, owner: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET_TITLE]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == ref)
    assert ws.cell(HEADER_ROW, OWNER_COLUMN).value == "Action owner"
    ws.cell(row, OWNER_COLUMN).value = owner
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def owners(plan) -> dict[str, str]:
    return {row.evidence_item.ref: row.owner for row in plan_verbs.load_rows(plan)}


def test_xlsx_download_reads_back_with_real_dates(client, trust):
    plan = trust.plan(5)
    client.sign_in(trust.editor.email)
    wb = load_workbook(io.BytesIO(download_xlsx(client, plan)))
    assert wb.sheetnames[0] == SHEET_TITLE
    ws = wb[SHEET_TITLE]
    assert ws.cell(HEADER_ROW, 1).value == "Evidence item reference"
    refs = [ws.cell(r, 1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert refs == [row.evidence_item.ref for row in plan_verbs.load_rows(plan)]
    first = HEADER_ROW + 1
    assert isinstance(ws.cell(first, 7).value, dt.datetime)  # a real date, not text
    assert ws.cell(first, 7).value.date() == dt.date(2024, 3, 31)
    assert ws.cell(first, 7).number_format == "DD/MM/YYYY"
    assert ws.cell(first, OWNER_COLUMN).value == "Jo Bloggs, Head of IG"
    assert ws.protection.sheet  # only the editable columns are unlocked


def test_csv_download_has_a_bom_and_is_formula_safe(client, trust, make):
    plan = make.plan(
        trust.org,
        ["1.1.4", "3.2.1"],
        by=trust.editor,
        rows={
            "1.1.4": good_row(owner='=HYPERLINK("http://evil.example","Click")'),
            "3.2.1": good_row(actions="@SUM(1+1) then +cmd and -2"),
        },
    )
    client.sign_in(trust.editor.email)
    response = client.get(f"/plans/{plan.id}/plan.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel reads the encoding
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Evidence item reference", "Evidence item text"]
    assert [r[0] for r in rows[1:]] == ["1.1.4", "3.2.1"]
    assert rows[1][7] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[2][4] == "'@SUM(1+1) then +cmd and -2"
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_unchanged_export_imports_as_nothing_to_do(client, trust):
    plan = trust.plan(4)
    client.sign_in(trust.editor.email)
    response, text = upload(client, plan, download_xlsx(client, plan))
    assert response.status_code == 200
    assert text.count("No change") == 4
    assert "Will be changed" not in text and "Will be added" not in text
    assert "The spreadsheet matches the plan: there is nothing to import." in text
    assert "Apply these changes" not in text


def test_edited_owner_previews_then_applies_with_an_audit_event(client, trust):
    plan = trust.plan(4)
    ref = plan_verbs.load_rows(plan)[1].evidence_item.ref
    before = owners(plan)
    client.sign_in(trust.editor.email)
    edited = with_owner(download_xlsx(client, plan), ref, "Sam Green, Deputy SIRO")

    response, text = upload(client, plan, edited)
    assert response.status_code == 200
    assert text.count("No change") == 3 and text.count("Will be changed") == 1
    assert f"{ref} Will be changed Owner: {before[ref]} → Sam Green, Deputy SIRO" in text
    assert Plan.get_by_id(plan.id).version == plan.version  # the preview saves nothing

    applied = client.post(f"/plans/{plan.id}/import/apply", {"preview": preview_token(response)})
    assert applied.status_code == 302
    assert applied.headers["Location"].endswith(f"/plans/{plan.id}")
    page = client.text(client.get(applied.headers["Location"]))
    assert "Spreadsheet imported: 1 evidence item(s) added or changed." in page

    after = owners(plan)
    assert after[ref] == "Sam Green, Deputy SIRO"
    assert {k: v for k, v in after.items() if k != ref} == {k: v for k, v in before.items() if k != ref}
    events = list(AuditEvent.select().where(AuditEvent.plan == plan.id).order_by(AuditEvent.id))
    assert events[-1].action == "imported" and events[-1].actor_id == trust.editor.id
    assert any(
        e.action == "row_changed" and "Sam Green, Deputy SIRO" in e.summary and ref in e.summary
        for e in events
    )


def test_bad_files_are_refused_with_a_message_and_change_nothing(client, trust, app):
    plan = trust.plan(3)
    client.sign_in(trust.editor.email)
    pdf = client.get(f"/plans/{plan.id}/plan.pdf").data
    response, text = upload(client, plan, pdf, "plan.xlsx")  # a PDF renamed to .xlsx
    assert response.status_code == 422
    assert MSG_NOT_XLSX in text and "nothing has been imported" in text

    wb = Workbook()
    ws = wb.active
    ws.append(["Evidence item reference", "Action owner", "Target completion date"])
    for _ in range(1001):
        ws.append(["1.1.4", "Someone", "31/12/2023"])
    out = io.BytesIO()
    wb.save(out)
    response, text = upload(client, plan, out.getvalue())
    assert response.status_code == 422
    assert "The spreadsheet has 1,001 rows; the most it can have is 1,000" in text

    response, text = upload(client, plan, b"")  # no file chosen
    assert response.status_code == 422

    assert Plan.get_by_id(plan.id).version == plan.version
    assert (
        not AuditEvent.select()
        .where((AuditEvent.plan == plan.id) & (AuditEvent.action == "imported"))
        .exists()
    )


def test_tampered_preview_token_is_refused(client, trust):
    plan = trust.plan(2)
    ref = plan_verbs.load_rows(plan)[0].evidence_item.ref
    client.sign_in(trust.editor.email)
    response, _ = upload(client, plan, with_owner(download_xlsx(client, plan), ref, "Sam Green"))
    token = preview_token(response)
    payload, signature = token.rsplit(".", 1)
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    assert client.post(f"/plans/{plan.id}/import/apply", {"preview": forged}).status_code == 400
    assert client.post(f"/plans/{plan.id}/import/apply", {"preview": ""}).status_code == 400
    assert owners(plan)[ref] != "Sam Green"


def test_a_preview_for_another_plan_is_refused(client, trust, make):
    plan = trust.plan(2)
    client.sign_in(trust.editor.email)
    response, _ = upload(
        client,
        plan,
        with_owner(download_xlsx(client, plan), plan_verbs.load_rows(plan)[0].evidence_item.ref, "Sam Green"),
    )
    token = preview_token(response)
    year = make.year("2021-22")
    other = plan_verbs.start_plan(trust.editor, trust.org, year, [], TODAY)
    assert client.post(f"/plans/{other.id}/import/apply", {"preview": token}).status_code == 400


def test_plan_changed_between_preview_and_apply_applies_nothing(client, trust):
    plan = trust.plan(3)
    row = plan_verbs.load_rows(plan)[0]
    ref = row.evidence_item.ref
    client.sign_in(trust.editor.email)
    response, _ = upload(client, plan, with_owner(download_xlsx(client, plan), ref, "From the spreadsheet"))
    token = preview_token(response)

    # Someone edits the plan in the browser meanwhile.
    plan_verbs.save_row(
        trust.editor,
        plan,
        row,
        plan_verbs.RowEdit(good_row(owner="Typed in the portal"), False, row.version),
        TODAY,
    )
    version = Plan.get_by_id(plan.id).version

    applied = client.post(f"/plans/{plan.id}/import/apply", {"preview": token})
    assert applied.status_code == 302
    assert applied.headers["Location"].endswith(f"/plans/{plan.id}/import")
    text = client.text(client.get(applied.headers["Location"]))
    assert "The plan changed after you uploaded the spreadsheet" in text
    assert owners(plan)[ref] == "Typed in the portal"
    assert Plan.get_by_id(plan.id).version == version
    assert PlanRow.get_by_id(row.id).owner == "Typed in the portal"


def test_submitted_plans_cannot_be_imported_into(client, trust):
    plan = trust.submitted(2)
    client.sign_in(trust.editor.email)
    assert client.get(f"/plans/{plan.id}/import").status_code == 409
    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200
    assert f'href="/plans/{plan.id}/import"' not in page.get_data(as_text=True)
