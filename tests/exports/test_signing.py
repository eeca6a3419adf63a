"""Signing plan PDFs and checking them: intact, altered, re-saved, foreign-signed, not a PDF."""

import io
import os
import random
import stat
from datetime import UTC, datetime

import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from paths import STATIC, TEMPLATES
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sample import make_snapshot

from dspt_portal.exports.pdf import render_plan_pdf
from dspt_portal.exports.signing import (
    MSG_ALTERED,
    MSG_NOT_PDF,
    MSG_OK,
    MSG_UNSIGNED,
    MSG_UNTRUSTED,
    PortalSigner,
    ensure_dev_signing_material,
    sign_pdf,
    verify_pdf,
)


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    return ensure_dev_signing_material(tmp_path_factory.mktemp("instance"))


@pytest.fixture(scope="module")
def signer(material):
    return PortalSigner.load(*material)


@pytest.fixture(scope="module")
def snapshot():
    return make_snapshot(5, draft=False)


@pytest.fixture(scope="module")
def unsigned(snapshot):
    return render_plan_pdf(snapshot, draft=False, templates_dir=TEMPLATES, static_dir=STATIC)


@pytest.fixture(scope="module")
def signed(unsigned, signer, snapshot):
    plan = snapshot["plan"]
    return sign_pdf(
        unsigned,
        signer,
        reference=plan["reference"],
        version=plan["version"],
        content_hash=plan["content_hash"],
    )


def test_dev_material_is_created_once_with_a_private_key(tmp_path):
    key_path, cert_path = ensure_dev_signing_material(tmp_path)
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    key_before, cert_before = key_path.read_bytes(), cert_path.read_bytes()
    assert ensure_dev_signing_material(tmp_path) == (key_path, cert_path)
    assert (key_path.read_bytes(), cert_path.read_bytes()) == (key_before, cert_before)

    key = load_pem_private_key(key_before, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    cert = x509.load_pem_x509_certificate(cert_before)
    assert cert.subject.rfc4514_string() == "CN=DSPT Improvement Plan Portal (development)"
    assert cert.issuer == cert.subject
    years = (cert.not_valid_after_utc - datetime.now(UTC)).days / 365
    assert 4.9 < years < 5.1
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign


def test_signed_pdf_is_intact_and_trusted(signed, material, snapshot):
    result = verify_pdf(signed, material[1])
    assert (result.intact, result.signed, result.trusted) == (True, True, True)
    assert result.summary == MSG_OK
    assert result.reference == snapshot["plan"]["reference"]
    assert result.version == snapshot["plan"]["version"]
    assert result.content_hash == snapshot["plan"]["content_hash"]


def test_signed_pdf_keeps_metadata_and_opens(signed, snapshot):
    reader = pypdf.PdfReader(io.BytesIO(signed))
    assert reader.metadata["/DSPTPlanReference"] == snapshot["plan"]["reference"]
    assert reader.metadata["/DSPTContentHash"] == snapshot["plan"]["content_hash"]
    assert "Sam Patel" in "".join(page.extract_text() for page in reader.pages)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_flipping_one_byte_in_a_content_stream_is_caught(signed, material):
    start = signed.index(b"stream\n") + len(b"stream\n") + 20
    altered = bytearray(signed)
    altered[start] ^= 0x01
    result = verify_pdf(bytes(altered), material[1])
    assert not result.intact
    assert result.summary == MSG_ALTERED


def test_incremental_update_after_signing_is_not_intact(signed, material):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = writer.trailer.raw_get("/Info")
    info.get_object()[generic.NameObject("/DSPTContentHash")] = generic.TextStringObject("forged")
    writer.mark_update(info)
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), material[1])
    assert result.signed and not result.intact
    assert result.summary == MSG_ALTERED
    # The metadata reported is the signed revision's, not the forged one.
    assert result.content_hash != "forged"


def test_appended_bytes_are_not_intact(signed, material):
    assert not verify_pdf(signed + b"\n%extra\n", material[1]).intact


def test_pdf_signed_by_another_key_is_untrusted(unsigned, material, tmp_path):
    other = PortalSigner.load(*ensure_dev_signing_material(tmp_path))
    foreign = sign_pdf(unsigned, other, reference="IP-X", version=1, content_hash="abc")
    result = verify_pdf(foreign, material[1])
    assert result.signed and result.intact and not result.trusted
    assert result.summary == MSG_UNTRUSTED


def test_unsigned_pdf(unsigned, material):
    result = verify_pdf(unsigned, material[1])
    assert (result.signed, result.intact, result.trusted) == (False, False, False)
    assert result.summary == MSG_UNSIGNED


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", random.Random(1).randbytes(5000), b"PK\x03\x04" + bytes(100)],
)
def test_not_a_pdf(data, material):
    result = verify_pdf(data, material[1])
    assert result.summary == MSG_NOT_PDF and not result.signed


@pytest.mark.parametrize("cut", [100, 5000, -3000])
def test_damaged_pdfs_never_raise(signed, material, cut):
    broken = signed[:cut] if cut > 0 else signed[:cut] + random.Random(2).randbytes(3000)
    result = verify_pdf(broken, material[1])
    assert not result.intact


def test_random_bytes_after_pdf_header_never_raise(material):
    result = verify_pdf(b"%PDF-1.7\n" + random.Random(3).randbytes(20_000), material[1])
    assert not result.intact and not result.trusted
