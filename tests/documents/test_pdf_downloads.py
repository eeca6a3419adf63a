"""Plan PDFs through the app: a signed draft for board approval, the submission PDF stored once,
the footer and metadata, and who may download what."""

import io
import re

import pypdf

from dspt_portal import documents
from dspt_portal import plans as plan_verbs
from dspt_portal.exports import pdf as pdf_module
from dspt_portal.exports.signing import MSG_OK
from dspt_portal.extensions import db
from dspt_portal.models import Submission


def reader_of(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def verified(app, data: bytes):
    with app.app_context(), db.connection_context():
        return documents.verify(data)


def test_draft_pdf_of_a_30_row_plan_is_marked_tagged_signed_and_intact(client, trust, app):
    plan = trust.plan(30)
    client.sign_in(trust.editor.email)
    response = client.get(f"/plans/{plan.id}/plan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reference = f"IP-2022-23-{trust.org.ods_code}-{plan.id}"
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="{reference}-v{plan.version}.pdf"'
    )

    reader = reader_of(response.data)
    pages = reader.pages
    assert len(pages) > 3
    assert all("Draft for board approval" in page.extract_text() for page in pages)
    text = "\n".join(page.extract_text() for page in pages)
    assert "Improvement plan: Riverside NHS Trust" in text
    assert "Rows in the plan\n30" in text or "Rows in the plan 30" in text
    for standard in ("Standard 1: Personal Confidential Data", "Standard 9: IT Protection"):
        assert standard in text
    for number, page in enumerate(pages, start=1):  # no "Assertion 1.2" left at a page's foot
        body = [
            line
            for line in page.extract_text().splitlines()
            if line.strip() and not line.startswith(("Draft for board approval", "IP-"))
        ]
        assert not re.match(r"(Assertion [\d.]+|Standard \d+: .*)$", body[-1]), (number, body[-1])
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert reader.metadata["/DSPTPlanReference"] == reference
    assert reader.metadata["/DSPTPlanVersion"] == str(plan.version)
    assert reader.get_fields()["PortalSignature"]["/FT"] == "/Sig"  # signed by the portal

    outcome = verified(app, response.data)
    assert outcome.result.intact and outcome.result.trusted and outcome.result.summary == MSG_OK
    assert outcome.result.reference == reference and outcome.result.version == plan.version
    assert outcome.plan.id == plan.id and outcome.submission is None  # a draft matches no submission


def test_footer_and_metadata_name_the_plan_on_every_page(client, trust, app):
    plan = trust.plan(12)
    with app.app_context(), db.connection_context():
        snapshot = plan_verbs.snapshot(plan)
    client.sign_in(trust.editor.email)
    reader = reader_of(client.get(f"/plans/{plan.id}/plan.pdf").data)
    total = len(reader.pages)
    assert total > 1
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert snapshot["plan"]["reference"] in text
        assert f"content hash {snapshot['plan']['content_hash']}" in text
    meta = reader.metadata
    assert snapshot["plan"]["reference"] in meta.title and "draft for board approval" in meta.title
    assert meta.author == "Riverside NHS Trust"
    assert meta["/DSPTContentHash"] == snapshot["plan"]["content_hash"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_submission_pdf_is_rendered_once_stored_and_served_again(client, trust, monkeypatch):
    plan = trust.submitted(5)
    submission = plan.submissions.get()
    assert submission.pdf is None
    client.sign_in(trust.editor.email)

    first = client.get(f"/plans/{plan.id}/plan.pdf")  # a submitted plan's PDF is its latest submission
    assert first.status_code == 200
    assert first.headers["Content-Disposition"].endswith(f'-submission-{submission.number}.pdf"')
    stored = Submission.get_by_id(submission.id).pdf
    assert stored is not None and bytes(stored) == first.data
    text = "\n".join(page.extract_text() for page in reader_of(first.data).pages)
    assert "Draft for board approval" not in text
    assert "Sam Patel" in text  # the sign-off is on the cover

    def no_second_render(*args, **kwargs):
        raise AssertionError("the submission PDF was rendered again")

    monkeypatch.setattr(pdf_module, "render_plan_pdf", no_second_render)
    again = client.get(f"/plans/{plan.id}/submissions/{submission.number}.pdf")
    assert again.status_code == 200
    assert again.data == first.data


def test_another_organisation_cannot_download_or_import_the_plan(client, trust):
    plan = trust.plan(2)
    client.sign_in(trust.other_editor.email)
    for url in ("plan.pdf", "plan.xlsx", "plan.csv", "import", "submissions/1.pdf"):
        assert client.get(f"/plans/{plan.id}/{url}").status_code == 404, url
    response = client.post(
        f"/plans/{plan.id}/import",
        {"file": (io.BytesIO(b"PK\x03\x04"), "plan.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert client.post(f"/plans/{plan.id}/import/apply", {"preview": "x"}).status_code == 404


def test_reviewers_download_submitted_plans_they_can_see(client, trust):
    plan = trust.submitted(3)
    client.sign_in(trust.rsl_london.email)
    response = client.get(f"/plans/{plan.id}/submissions/1.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert client.get(f"/plans/{plan.id}/plan.xlsx").status_code == 200
    client.sign_out()
    client.sign_in(trust.rsl_midlands.email)  # another region's reviewer does not see it
    assert client.get(f"/plans/{plan.id}/submissions/1.pdf").status_code == 404


def test_a_render_s_memory_is_given_back_after_the_response_not_before(client, trust, monkeypatch):
    plan = trust.plan(3)
    client.sign_in(trust.editor.email)
    released = []
    monkeypatch.setattr(documents, "release_memory", lambda: released.append(True))
    response = client.get(f"/plans/{plan.id}/plan.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert released == []  # the user is not kept waiting for it
    response.close()  # the server closes the response once it is sent
    assert released == [True]
    stored = client.get(f"/plans/{plan.id}/plan.xlsx")
    stored.close()
    assert released == [True]  # only renders need it


def test_one_person_can_make_only_so_many_pdfs_in_a_few_minutes(database_url, trust, make):
    from dspt_portal import create_app
    from tests.conftest import TODAY
    from tests.support.client import PageClient

    submitted = trust.submitted(2)  # 2022-23
    draft = make.plan(trust.org, refs=("1.1.4",), year="2021-22", by=trust.editor)
    their_plan = trust.plan(2, other=True)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "PORTAL_TODAY": TODAY.isoformat(),
            "PDF_RATE_LIMITS": True,
            "PDF_RENDER_LIMIT": "2 per 10 minutes",
        }
    )
    client = PageClient(app.test_client())
    client.sign_in(trust.editor.email)

    # A submission PDF is rendered once, then served from the database: only the render counts.
    for url in [f"/plans/{submitted.id}/plan.pdf"] * 3 + [f"/plans/{submitted.id}/submissions/1.pdf"]:
        assert client.get(url).status_code == 200
    assert client.get(f"/plans/{draft.id}/plan.pdf").status_code == 200  # the second render
    blocked = client.get(f"/plans/{draft.id}/plan.pdf", check=False)
    assert blocked.status_code == 429
    text = client.text(blocked)
    assert (
        "Making a PDF takes the service a few seconds" in text
        and "The PDFs you downloaded are still valid" in text
    )
    assert int(blocked.headers["Retry-After"]) > 0

    other = PageClient(app.test_client())  # the limit is per person
    other.sign_in(trust.other_editor.email)
    assert other.get(f"/plans/{their_plan.id}/plan.pdf").status_code == 200


def test_pdf_limits_are_on_outside_the_test_suite(database_url):
    from dspt_portal import create_app, ratelimit

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert app.config["PDF_RATE_LIMITS"] is True
    assert ratelimit.PDF_RENDERS_PER_PERSON == "20 per 10 minutes"
