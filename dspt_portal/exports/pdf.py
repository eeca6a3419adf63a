"""Render a plan snapshot to a tagged (PDF/UA-1) A4 landscape PDF with WeasyPrint.

No Flask here: the caller passes the template and static folders. WeasyPrint may only read
the bundled fonts and the export stylesheet (see :class:`LockedDownURLFetcher`): all text in the
snapshot is user input, and although the template escapes it, the fetcher is the second wall
in case markup ever reaches the HTML.

Speed (issue #7; ``bench/profile_pdf.py`` shows where the time goes): WeasyPrint's cost is per
box, so the template keeps boxes few (one table per standard, plain text lines in cells). Here,
around the render: the cyclic garbage collector is paused (:func:`_gc_paused`), pydyf
compresses at zlib level 6 instead of 9 (:func:`_use_faster_compression`), and the document
information dictionary is written outside the object stream (:class:`_DirectDictionary`), so
that pyHanko reads it without parsing the whole stream when it signs or verifies.
"""

from __future__ import annotations

import gc
import os
import threading
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from ._common import (
    PROGRESS_LABELS,
    YES_NO,
    milestone_line,
    parse_datetime,
    parse_iso_date,
    uk_date,
    uk_datetime,
)

TEMPLATE = "plan_pdf.html"
STYLESHEET = "plan_pdf.css"
PDF_VARIANT = "pdf/ua-1"  # tagged for screen readers; the tests check the structure tree

# Column widths in per cent, in template order (without and with the progress column).
WIDTHS = (5, 18, 16, 18, 16, 12, 15)
WIDTHS_WITH_PROGRESS = (4.5, 15, 14, 15.5, 14, 10.5, 12.5, 14)

_CONTENT_TYPES = {".ttf": "font/ttf", ".css": "text/css"}

# zlib level for the PDF's streams. pydyf 0.13 hard-codes 9, which on our text-heavy content
# streams is ~5x slower than 6 for files ~5 % smaller (200 rows: 171 ms against 36 ms).
ZLIB_LEVEL = 6


class _LevelCappedZlib:
    """Stands in for the ``zlib`` module inside pydyf: the same, except that ``compressobj``
    compresses at :data:`ZLIB_LEVEL` at most. The output is ordinary Flate data."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level=-1, *args, **kwargs):
        level = ZLIB_LEVEL if level in (-1, None) else min(level, ZLIB_LEVEL)
        return zlib.compressobj(level, *args, **kwargs)


def _use_faster_compression() -> None:
    """Make pydyf (used only by WeasyPrint) compress at :data:`ZLIB_LEVEL` in this process.

    Idempotent. If a pydyf release stops using a module-level ``zlib``, this does nothing and
    the PDF is simply compressed as pydyf chooses."""
    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _LevelCappedZlib()


_use_faster_compression()

_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


class _gc_paused:
    """Pause Python's cyclic garbage collector while WeasyPrint renders.

    A render allocates ~10^5 long-lived objects (boxes, styles), so the collector runs again
    and again over objects that are all still alive: 5-12 % of the render time. Reference
    counting still frees most memory at once; the cycles wait until the collector runs again
    (at the next allocations, or ``documents.release_memory``'s ``gc.collect()`` after the response), which
    costs one pass instead of hundreds. Peak memory of a 200-row render: ~+10 MB.
    Nested and concurrent renders are counted, so only the last one out switches it back on,
    and only if it was on before the first one came in.
    """

    def __enter__(self):
        global _gc_pauses, _gc_was_enabled
        with _gc_lock:
            if _gc_pauses == 0:
                _gc_was_enabled = gc.isenabled()
                gc.disable()
            _gc_pauses += 1
        return self

    def __exit__(self, *exc):
        global _gc_pauses
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
        return False


class _DirectDictionary(pydyf.Dictionary):
    """A PDF dictionary that pydyf writes as a plain indirect object, never inside the
    compressed object stream. pydyf adds the document information dictionary last, so in the
    stream it would come after the ~7,000 structure elements of a tagged 200-row plan, and
    pyHanko (which reads a stream's header up to the object it wants) parses all of them to
    find it, when it signs (:func:`signing.sign_pdf`) and again when it verifies."""

    @property
    def compressible(self):
        return False


class LockedDownURLFetcher(URLFetcher):
    """A WeasyPrint fetcher that serves only files under the allowed folders.

    Anything else (other files, http(s), data:, ...) is refused without touching the network
    or the disk. ``requested`` records every URL WeasyPrint asked for, for tests and logs.
    """

    def __init__(self, allowed_dirs: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.allowed_dirs = tuple(Path(os.path.realpath(d)) for d in allowed_dirs)
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to fetch {url!r}: only bundled files may be used")
        path = Path(os.path.realpath(unquote(parts.path)))
        allowed = any(path.is_relative_to(folder) for folder in self.allowed_dirs)
        if not allowed or path.suffix not in _CONTENT_TYPES or not path.is_file():
            raise ValueError(f"Refused to fetch {url!r}: not a bundled font or stylesheet")
        return URLFetcherResponse(url, _read_file(path), {"Content-Type": _CONTENT_TYPES[path.suffix]})


@lru_cache(maxsize=16)
def _read_file_cached(path: Path, mtime: float) -> bytes:
    return path.read_bytes()


def _read_file(path: Path) -> bytes:
    return _read_file_cached(path, path.stat().st_mtime)


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["uk_date"] = uk_date
    env.filters["uk_datetime"] = uk_datetime
    env.filters["milestone"] = lambda m: (
        milestone_line(m) if m.get("date") else f"No date – {m.get('description') or ''}"
    )
    return env


def _stylesheet_path(templates_dir: Path, static_dir: Path) -> Path:
    for folder in (templates_dir / "exports", static_dir):
        if (folder / STYLESHEET).is_file():
            return folder / STYLESHEET
    raise FileNotFoundError(f"{STYLESHEET} not found under {templates_dir}/exports or {static_dir}")


def _sort_key(ref: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in str(ref).split("."))


def _group_rows(rows: list[dict]) -> list[dict]:
    """Rows grouped by standard, then assertion, keeping the snapshot's order."""
    standards: dict = {}
    for row in rows:
        number = row.get("standard")
        standard = standards.setdefault(
            number,
            {"number": number, "title": row.get("standard_title") or "", "assertions": {}},
        )
        assertion = row.get("assertion") or ".".join(str(row["ref"]).split(".")[:2])
        standard["assertions"].setdefault(assertion, []).append(row)
    grouped = []
    for standard in standards.values():
        assertions = [
            {"ref": ref, "rows": items}
            for ref, items in sorted(standard["assertions"].items(), key=lambda i: _sort_key(i[0]))
        ]
        grouped.append(
            {**standard, "assertions": assertions, "count": sum(len(a["rows"]) for a in assertions)}
        )
    return grouped


def _summary(snapshot: dict) -> dict:
    rows = snapshot.get("rows") or []
    dates = [parse_iso_date(row.get("completion_date")) for row in rows]
    dates = [d for d in dates if d]
    exceptional = [row["ref"] for row in rows if (row.get("exceptional_circumstances") or "").strip()]
    return {
        "row_count": len(rows),
        "partial_count": sum(1 for row in rows if row.get("partial")),
        "covid_count": Counter(row.get("covid_impact") for row in rows)["yes"],
        "latest_completion": uk_date(max(dates)) if dates else "",
        "year_limit": uk_date((snapshot.get("toolkit_year") or {}).get("latest_completion_date")),
        "exceptional_count": len(exceptional),
        "exceptional_refs": exceptional,
    }


def has_progress(rows: list[dict]) -> bool:
    """True when any row carries progress data (then the PDF shows the progress columns)."""
    return any(
        row.get("progress_status") or row.get("actual_completion_date") or row.get("progress_note")
        for row in rows
    )


def render_plan_html(snapshot: dict, *, draft: bool, templates_dir: Path) -> str:
    """The HTML that :func:`render_plan_pdf` lays out (useful for debugging the template)."""
    plan = snapshot["plan"]
    org = snapshot["organisation"]
    year = snapshot["toolkit_year"]
    rows = snapshot.get("rows") or []
    progress = has_progress(rows)
    generated = parse_datetime(snapshot.get("generated_at"))
    template = _environment(Path(templates_dir)).get_template(f"exports/{TEMPLATE}")
    return template.render(
        title=f"DSPT {year['label']} improvement plan: {org['name']} ({plan['reference']} "
        f"version {plan['version']})" + (" - draft for board approval" if draft else ""),
        plan=plan,
        org=org,
        year=year,
        sign_off=snapshot.get("sign_off"),
        summary=_summary(snapshot),
        standards=_group_rows(rows),
        has_progress=progress,
        widths=WIDTHS_WITH_PROGRESS if progress else WIDTHS,
        progress_labels=PROGRESS_LABELS,
        covid_labels=YES_NO,
        nl="\n",
        generated=uk_datetime(snapshot.get("generated_at")),
        generated_iso=generated.isoformat() if generated else "",
        draft=draft,
    )


def render_plan_pdf(
    snapshot: dict,
    *,
    draft: bool,
    templates_dir: Path,
    static_dir: Path,
    url_fetcher: LockedDownURLFetcher | None = None,
) -> bytes:
    """Render ``snapshot`` to PDF bytes (unsigned; sign with ``signing.sign_pdf``).

    ``templates_dir`` is the app's templates folder (holding ``exports/plan_pdf.html``);
    ``static_dir`` holds ``fonts/``. ``url_fetcher`` is for tests; by default a
    :class:`LockedDownURLFetcher` limited to the fonts and the stylesheet is used.
    """
    html = render_plan_html(snapshot, draft=draft, templates_dir=Path(templates_dir))
    with _gc_paused():
        document = layout_plan_html(
            html, templates_dir=templates_dir, static_dir=static_dir, url_fetcher=url_fetcher
        )
        return write_plan_pdf(document, snapshot["plan"])


def layout_plan_html(
    html: str,
    *,
    templates_dir: Path,
    static_dir: Path,
    url_fetcher: LockedDownURLFetcher | None = None,
):
    """Parse, style and lay out the plan HTML: a WeasyPrint ``Document`` with its pages."""
    templates_dir, static_dir = Path(templates_dir), Path(static_dir)
    css_path = _stylesheet_path(templates_dir, static_dir)
    if url_fetcher is None:
        url_fetcher = LockedDownURLFetcher((static_dir / "fonts", css_path.parent))
    # A FontConfiguration per document: WeasyPrint registers the @font-face fonts in it.
    # Sharing one between documents would save ~15-30 ms a render, not worth the font mix-ups
    # seen with shared ones (bench/README.md).
    font_config = FontConfiguration()
    # Fonts are resolved relative to static_dir, whichever folder the stylesheet lives in.
    base_url = static_dir.resolve().as_uri() + "/"
    stylesheet = CSS(
        string=_read_file(css_path).decode("utf-8"),
        base_url=base_url,
        url_fetcher=url_fetcher,
        font_config=font_config,
    )
    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(
        stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT
    )


def write_plan_pdf(document, plan: dict) -> bytes:
    """The tagged PDF of a laid-out plan ``document``, with the plan's document information."""

    def add_plan_metadata(_document, pdf):
        # HTML <meta> names are lower-cased by WeasyPrint, so set the custom keys here.
        pdf.info = _DirectDictionary(pdf.info)
        for key, value in plan_info(plan).items():
            pdf.info[key] = pydyf.String(value)

    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=add_plan_metadata)


def plan_info(plan: dict) -> dict[str, str]:
    """The custom document-info entries naming the plan (key without the leading slash)."""
    return {
        "DSPTPlanReference": str(plan["reference"]),
        "DSPTPlanVersion": str(plan["version"]),
        "DSPTContentHash": str(plan.get("content_hash") or ""),
    }
