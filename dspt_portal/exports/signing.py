"""Sign plan PDFs (PAdES B-B, offline) and check PDFs people upload or forward back to us.

pyHanko's synchronous ``sign_pdf`` and ``validate_pdf_signature`` call ``asyncio.run()``
internally, which fails inside a running event loop; :func:`_off_the_loop` moves the call to a
worker thread when this thread already runs one (as it does under Playwright's sync API).

In development :func:`ensure_dev_signing_material` creates a self-signed EC P-256 key and
certificate in the instance folder; in production point :meth:`PortalSigner.load` at a key and
certificate issued for the portal (with its chain).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)

DEV_SUBJECT = "DSPT Improvement Plan Portal (development)"
DEV_KEY_NAME = "signing-key.pem"
DEV_CERT_NAME = "signing-cert.pem"
SIGNATURE_FIELD = "PortalSignature"

INFO_KEYS = {
    "reference": "/DSPTPlanReference",
    "version": "/DSPTPlanVersion",
    "content_hash": "/DSPTContentHash",
}

MSG_OK = "This PDF is intact and was signed by this portal"
MSG_ALTERED = "This PDF has been altered since the portal signed it"
MSG_UNTRUSTED = "This PDF was signed, but not by this portal"
MSG_UNSIGNED = "This PDF has no signature from this portal"
MSG_NOT_PDF = "This file is not a PDF"
MSG_DAMAGED = "This PDF is damaged or has been altered: its signature cannot be checked"


def ensure_dev_signing_material(instance_dir: Path) -> tuple[Path, Path]:
    """Return (key_path, cert_path), creating a self-signed development pair on first use.

    The key is an unencrypted EC P-256 PEM with permissions 0600; the certificate is valid for
    five years. A lock file stops two workers starting at once from creating mismatched pairs.
    """
    instance_dir = Path(instance_dir)
    instance_dir.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = instance_dir / DEV_KEY_NAME, instance_dir / DEV_CERT_NAME
    if key_path.is_file() and cert_path.is_file():
        return key_path, cert_path
    with open(instance_dir / ".signing-material.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_path.is_file() and cert_path.is_file()):
            key_pem, cert_pem = _new_self_signed_pair(DEV_SUBJECT, years=5)
            _write_private(key_path, key_pem)
            _write_atomic(cert_path, cert_pem, 0o644)
            log.info("Created development signing key and certificate in %s", instance_dir)
    return key_path, cert_path


def _new_self_signed_pair(common_name: str, *, years: int) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * years + years // 4))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # a.k.a. nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    _write_atomic(path, data, 0o600)


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # O_CREAT's mode is filtered by the umask
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class PortalSigner:
    """The portal's signing key and certificate, loaded once (construct once per process)."""

    def __init__(self, signer: signers.SimpleSigner, cert_path: Path):
        self.signer = signer
        self.cert_path = Path(cert_path)

    @classmethod
    def load(
        cls,
        key_path: Path,
        cert_path: Path,
        chain_paths: tuple[Path, ...] | list[Path] = (),
        passphrase: bytes | None = None,
    ) -> PortalSigner:
        signer = signers.SimpleSigner.load(
            str(key_path),
            str(cert_path),
            ca_chain_files=tuple(str(p) for p in chain_paths) or None,
            key_passphrase=passphrase,
        )
        if signer is None:  # pyHanko logs the reason and returns None
            raise ValueError(f"Could not load the signing key {key_path} and certificate {cert_path}")
        return cls(signer, cert_path)


def _off_the_loop(function, *args, **kwargs):
    """Call a pyHanko sync function; in a thread that runs an event loop, call it from another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(pdf: bytes, signer: PortalSigner, *, reference: str, version: int, content_hash: str) -> bytes:
    """Record the plan reference, version and content hash in the PDF's document information
    and sign it (PAdES B-B, SHA-256, no timestamp). Sign last: any later change breaks it."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _set_plan_info(writer, reference=reference, version=version, content_hash=content_hash)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"Issued by the DSPT Improvement Plan Portal: {reference} version {version}",
    )
    out = _off_the_loop(signers.sign_pdf, writer, meta, signer=signer.signer, output=BytesIO())
    return out.getvalue()


def _set_plan_info(writer, *, reference: str, version: int, content_hash: str) -> None:
    values = {"reference": reference, "version": str(version), "content_hash": content_hash}
    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if info_ref is not None:
        info = info_ref.get_object()
        for field, key in INFO_KEYS.items():
            info[generic.NameObject(key)] = generic.TextStringObject(values[field])
        writer.mark_update(info_ref)
    else:
        info = generic.DictionaryObject(
            {
                generic.NameObject(key): generic.TextStringObject(values[field])
                for field, key in INFO_KEYS.items()
            }
        )
        writer.set_info(info)


@dataclass
class VerifyResult:
    """What :func:`verify_pdf` found, with a one-line ``summary`` to show people."""

    intact: bool
    signed: bool
    trusted: bool
    reference: str | None
    version: int | None
    content_hash: str | None
    summary: str

    @property
    def ok(self) -> bool:
        return self.intact and self.signed and self.trusted


def _result(summary: str, *, intact=False, signed=False, trusted=False, info=None) -> VerifyResult:
    info = info or {}
    version = info.get("version")
    return VerifyResult(
        intact=intact,
        signed=signed,
        trusted=trusted,
        reference=info.get("reference"),
        version=int(version) if version and version.isdigit() else None,
        content_hash=info.get("content_hash"),
        summary=summary,
    )


def _read_info(reader: PdfFileReader, revision: int) -> dict:
    """The plan entries from the document information of the signed revision."""
    try:
        history = reader.get_historical_resolver(revision)
        info_ref = history.trailer_view.raw_get("/Info")
        # Resolve through the historical view: later revisions may redefine the object.
        info = history.get_object(info_ref.reference) if hasattr(info_ref, "reference") else info_ref
    except Exception:  # a missing or broken Info dictionary just means "unknown"
        return {}
    found = {}
    for field, key in INFO_KEYS.items():
        value = info.get(key)
        if isinstance(value, (generic.TextStringObject, generic.ByteStringObject, str)):
            found[field] = str(value)
    return found


def verify_pdf(data: bytes, trusted_cert_path: Path) -> VerifyResult:
    """Check that ``data`` is a PDF signed by the portal and not altered since.

    Works offline: the only trust root is the portal's certificate (``trusted_cert_path``),
    nothing is fetched and revocation checking is soft-fail. Never raises on bad input.
    """
    if not isinstance(data, (bytes, bytearray)) or b"%PDF-" not in bytes(data[:1024]):
        return _result(MSG_NOT_PDF)
    try:
        reader = PdfFileReader(BytesIO(bytes(data)), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception:  # any parse failure means we cannot vouch for the file
        log.info("verify_pdf: could not parse the PDF", exc_info=True)
        return _result(MSG_DAMAGED)
    if not signatures:
        return _result(MSG_UNSIGNED)
    embedded = signatures[-1]  # the latest signature covers the most of the file
    try:
        info = _read_info(reader, embedded.signed_revision)
        root = load_cert_from_pemder(str(trusted_cert_path))
        context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
        status = _off_the_loop(validate_pdf_signature, embedded, signer_validation_context=context)
    except Exception:  # a malformed signature is reported, never raised
        log.info("verify_pdf: signature could not be validated", exc_info=True)
        return _result(MSG_DAMAGED, signed=True)
    covers_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid and covers_file)
    trusted = bool(status.trusted)
    if not intact:
        summary = MSG_ALTERED
    elif not trusted:
        summary = MSG_UNTRUSTED
    else:
        summary = MSG_OK
    return _result(summary, intact=intact, signed=True, trusted=trusted, info=info)
