"""PDF, spreadsheet and CSV documents for plans and submissions: render, sign, store, verify."""

import ctypes
import datetime as dt
import functools
import gc
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from . import ROOT
from .extensions import db
from .models import Plan, Submission


def _signer():
    """The portal's signing key, loaded once per worker process (it is configuration, not state)."""
    from .exports import signing

    signer = current_app.extensions.get("portal_signer")
    if signer is None:
        config = current_app.config
        if config.get("SIGNING_KEY") and config.get("SIGNING_CERT"):
            key, cert = Path(config["SIGNING_KEY"]), Path(config["SIGNING_CERT"])
        else:
            key, cert = signing.ensure_dev_signing_material(Path(current_app.instance_path))
        passphrase = config.get("SIGNING_KEY_PASSPHRASE")
        signer = signing.PortalSigner.load(
            key,
            cert,
            chain_paths=[Path(p) for p in config.get("SIGNING_CHAIN", [])],
            passphrase=passphrase.encode() if passphrase else None,
        )
        current_app.extensions["portal_signer"] = signer
        current_app.extensions["portal_signing_cert"] = cert
    return signer


def signing_certificate() -> Path:
    _signer()
    return current_app.extensions["portal_signing_cert"]


def render_signed_pdf(snapshot: dict, *, draft: bool) -> bytes:
    # Imported here: WeasyPrint takes half a second to import and most requests never need it.
    from .exports import pdf, signing

    data = pdf.render_plan_pdf(
        snapshot, draft=draft, templates_dir=ROOT / "templates", static_dir=ROOT / "static"
    )
    plan = snapshot["plan"]
    return signing.sign_pdf(
        data,
        _signer(),
        reference=plan["reference"],
        version=plan["version"],
        content_hash=plan["content_hash"],
    )


def release_memory() -> None:
    """Hand a render's memory back to the system. WeasyPrint's boxes are freed, but glibc keeps the
    pages, so a worker would stay at the size of its largest PDF (~40 MB less after 200 rows).
    Views call it once the response has been sent (0.1-0.2 s nobody needs to wait for)."""
    gc.collect()  # layout objects sit in reference cycles
    if _libc() is not None:
        _libc().malloc_trim(0)


@functools.cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, macOS): nothing to trim
        return None


def submission_pdf(submission: Submission) -> bytes:
    """Rendered and signed once, then served from the database: a submission never changes."""
    if submission.pdf is None:
        data = render_signed_pdf(submission.snapshot, draft=False)
        with db.atomic():
            # Only the first writer stores it, so concurrent first downloads agree on one file.
            Submission.update(pdf=data).where(
                (Submission.id == submission.id) & Submission.pdf.is_null()
            ).execute()
        submission = Submission.get_by_id(submission.id)
    return bytes(submission.pdf)


def spreadsheet(snapshot: dict) -> bytes:
    from .exports import xlsx

    return xlsx.export_plan_xlsx(snapshot)


def csv_file(snapshot: dict) -> bytes:
    from .exports import csv_export

    return csv_export.export_plan_csv(snapshot)


def filename(snapshot: dict, extension: str) -> str:
    plan = snapshot["plan"]
    return f"{plan['reference']}-v{plan['version']}.{extension}"


@dataclass
class Verification:
    result: object  # exports.signing.VerifyResult
    plan: Plan | None
    submission: Submission | None
    matches: bool

    @property
    def messages(self) -> list[str]:
        lines = [self.result.summary]
        if self.result.reference:
            lines.append(f"It records plan {self.result.reference}, version {self.result.version}.")
        if self.result.intact and self.result.trusted:
            if self.submission is not None and self.matches:
                from .exports._common import uk_datetime

                # Stored in UTC; people read UK time (as on the PDF itself).
                when = uk_datetime(self.submission.submitted_at.isoformat())
                lines.append(f"It matches submission {self.submission.number} of that plan, made on {when}.")
            elif self.result.reference:
                lines.append("It does not match any submission stored in the portal: it may be a draft.")
        return lines


def verify(data: bytes) -> Verification:
    from .exports import signing

    result = signing.verify_pdf(data, signing_certificate())
    plan = submission = None
    if result.reference:
        try:
            plan_id = int(result.reference.rsplit("-", 1)[1])
        except (IndexError, ValueError):
            plan_id = None
        plan = Plan.get_or_none(Plan.id == plan_id) if plan_id else None
        if plan is not None:
            submission = (
                plan.submissions.where(
                    Submission.content_hash == result.content_hash,
                    Submission.plan_version == (result.version or -1),
                )
                .order_by(Submission.number.desc())
                .first()
            )
    return Verification(result=result, plan=plan, submission=submission, matches=submission is not None)


def timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
