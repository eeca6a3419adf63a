"""Checking a PDF someone hands back: the /verify page and `flask verify-pdf` agree."""

import io
import os

import pypdf
import pytest

from dspt_portal.exports import signing
from dspt_portal.exports.signing import MSG_ALTERED, MSG_NOT_PDF, MSG_OK, MSG_UNSIGNED, MSG_UNTRUSTED


def altered(data: bytes) -> bytes:
    """One byte changed inside the first content stream (covered by the signature)."""
    start = data.index(b"stream\n") + len(b"stream\n") + 20
    changed = bytearray(data)
    changed[start] ^= 0x01
    return bytes(changed)


def unsigned_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_elsewhere(folder) -> bytes:
    """A PDF carrying a plan reference, signed with a key that is not this portal's."""
    signer = signing.PortalSigner.load(*signing.ensure_dev_signing_material(folder))
    return signing.sign_pdf(
        unsigned_pdf(), signer, reference="IP-2022-23-FAKE-1", version=1, content_hash="0" * 64
    )


@pytest.fixture
def files(client, trust, tmp_path):
    """The submission PDF of a submitted plan, a draft PDF of another plan, and bad files."""
    submitted = trust.submitted(3)
    draft = trust.plan(2, other=True)
    client.sign_in(trust.editor.email)
    submission_pdf = client.get(f"/plans/{submitted.id}/submissions/1.pdf").data
    client.sign_out()
    client.sign_in(trust.other_editor.email)
    draft_pdf = client.get(f"/plans/{draft.id}/plan.pdf").data
    client.sign_out()
    paths = {
        "submission": submission_pdf,
        "draft": draft_pdf,
        "altered": altered(submission_pdf),
        "random": os.urandom(3000),
        "unsigned": unsigned_pdf(),
        "foreign": signed_elsewhere(tmp_path / "elsewhere"),
    }
    for name, data in paths.items():
        (tmp_path / f"{name}.pdf").write_bytes(data)
    return {
        "dir": tmp_path,
        "data": paths,
        "submitted": submitted,
        "draft": draft,
        "submitted_ref": f"IP-2022-23-{trust.org.ods_code}-{submitted.id}",
        "draft_ref": f"IP-2022-23-{trust.other_org.ods_code}-{draft.id}",
    }


def check(client, data: bytes, name="plan.pdf"):
    response = client.post("/verify", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return response, client.text(response)


def test_verify_page_vouches_for_the_portals_submission_pdf(client, trust, files):
    client.sign_in(trust.rsl_london.email)  # anyone signed in may check a PDF, e.g. a reviewer
    page = client.get("/verify")
    assert page.status_code == 200
    response, text = check(client, files["data"]["submission"])
    assert response.status_code == 200
    assert "Genuine and unaltered" in text
    assert MSG_OK in text
    plan = files["submitted"]
    assert f"It records plan {files['submitted_ref']}, version {plan.version}." in text
    assert "It matches submission 1 of that plan, made on 17/07/2023" in text


def test_verify_page_says_a_draft_matches_no_submission(client, trust, files):
    client.sign_in(trust.editor.email)
    _, text = check(client, files["data"]["draft"])
    assert MSG_OK in text
    assert f"It records plan {files['draft_ref']}, version {files['draft'].version}." in text
    assert "It does not match any submission stored in the portal: it may be a draft." in text


def test_verify_page_reports_an_altered_byte_and_non_pdfs(client, trust, files):
    client.sign_in(trust.editor.email)
    response, text = check(client, files["data"]["altered"])
    assert response.status_code == 200
    assert "Do not rely on this PDF" in text and MSG_ALTERED in text
    assert "Genuine and unaltered" not in text and "It matches submission" not in text

    _, text = check(client, files["data"]["random"], "photo.jpg")
    assert MSG_NOT_PDF in text and "Do not rely on this PDF" in text

    _, text = check(client, files["data"]["unsigned"])
    assert MSG_UNSIGNED in text and "Do not rely on this PDF" in text


def test_verify_page_asks_for_a_file(client, trust):
    client.sign_in(trust.editor.email)
    response = client.post("/verify", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a PDF file" in client.text(response)


def test_verify_pdf_command_reports_and_sets_the_exit_code(app, files):
    runner = app.test_cli_runner()

    def run(name):
        return runner.invoke(args=["verify-pdf", str(files["dir"] / f"{name}.pdf")])

    good = run("submission")
    assert good.exit_code == 0, good.output
    assert MSG_OK in good.output
    assert f"It records plan {files['submitted_ref']}, version {files['submitted'].version}." in good.output
    assert "It matches submission 1 of that plan, made on 17/07/2023" in good.output

    draft = run("draft")
    assert draft.exit_code == 0
    assert "may be a draft" in draft.output

    for name, message in (
        ("altered", MSG_ALTERED),
        ("random", MSG_NOT_PDF),
        ("unsigned", MSG_UNSIGNED),
        ("foreign", MSG_UNTRUSTED),
    ):
        result = run(name)
        assert result.exit_code == 1, (name, result.output)
        assert message in result.output
        assert "It matches submission" not in result.output

    missing = runner.invoke(args=["verify-pdf", str(files["dir"] / "nope.pdf")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
