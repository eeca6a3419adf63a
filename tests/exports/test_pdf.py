"""The plan PDF: content, layout signals, fonts, tagging, metadata and the locked-down fetcher."""

import copy
import gc
import io
import os
import re
import shutil
import subprocess
from collections import Counter

import pypdf
import pytest
from paths import STATIC, TEMPLATES
from sample import make_snapshot, with_progress

from dspt_portal.exports import pdf as pdf_module
from dspt_portal.exports.pdf import LockedDownURLFetcher, render_plan_pdf


def render(snapshot, *, draft, **kwargs):
    return render_plan_pdf(snapshot, draft=draft, templates_dir=TEMPLATES, static_dir=STATIC, **kwargs)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def draft_pdf():
    return render(make_snapshot(30, draft=True), draft=True)


@pytest.fixture(scope="module")
def final_snapshot():
    return make_snapshot(30, draft=False)


@pytest.fixture(scope="module")
def final_pdf(final_snapshot):
    return render(final_snapshot, draft=False)


def test_pdf_opens_and_has_several_landscape_a4_pages(draft_pdf):
    reader = pypdf.PdfReader(io.BytesIO(draft_pdf))
    assert len(reader.pages) > 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 297
    assert round(float(box.height) / 72 * 25.4) == 210


def test_cover_summary_and_rows(draft_pdf):
    snapshot = make_snapshot(30)
    text = text_of(draft_pdf)
    for expected in (
        "NHS Northshire Integrated Care Board",
        "QXX",
        "ICB",
        "North East and Yorkshire",
        "2022-23",
        "Standards Not Met",
        "IP-2022-23-QXX-12",
        "11/07/2023 10:31",  # generated_at 09:31 UTC is 10:31 in London (BST)
        "Rows in the plan",
        "Standard 10: Accountable Suppliers",
        "Assertion 1.1",
        "Not yet signed off",
    ):
        assert expected in text, expected
    for row in snapshot["rows"]:
        assert row["ref"] in text
    # Milestones as DD/MM/YYYY; COVID-impacted count and latest completion date in the summary.
    assert "02/12/2023 – Draft reviewed" in text
    covid = sum(1 for row in snapshot["rows"] if row["covid_impact"] == "yes")
    assert re.search(rf"Items where COVID affected meeting\s+the standard\s*{covid}", text)
    latest = max(row["completion_date"] for row in snapshot["rows"])
    assert "/".join(reversed(latest.split("-"))) in text


def test_footer_has_page_numbers_reference_and_hash(draft_pdf):
    snapshot = make_snapshot(30)
    reader = pypdf.PdfReader(io.BytesIO(draft_pdf))
    pages = len(reader.pages)
    last = reader.pages[-1].extract_text()
    assert "Page 1 of" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in last
    assert "IP-2022-23-QXX-12" in last
    assert snapshot["plan"]["content_hash"] in last


def test_draft_marking_only_on_drafts(draft_pdf, final_pdf):
    reader = pypdf.PdfReader(io.BytesIO(draft_pdf))
    assert all("Draft for board approval" in page.extract_text() for page in reader.pages)
    assert "Draft for board approval" not in text_of(final_pdf)
    assert "draft for board approval" in reader.metadata.title


def test_sign_off_current_stale_and_missing(final_snapshot, final_pdf):
    text = text_of(final_pdf)
    assert "Sam Patel" in text and "AGC/23/041" in text and "10/07/2023" in text
    assert "Audit and Governance Committee" in text
    assert "Sign-off is out of date" not in text
    stale = copy.deepcopy(final_snapshot)
    stale["sign_off"]["current"] = False
    assert "Sign-off is out of date: the plan changed after it was signed off" in text_of(
        render(stale, draft=False)
    )


def test_progress_column_only_when_there_is_progress(draft_pdf):
    assert not re.search(r"COVID impact and exceptional\s+circumstances\s+Progress", text_of(draft_pdf))
    text = re.sub(r"\s+", " ", text_of(render(with_progress(make_snapshot(6)), draft=False)))
    assert "COVID impact and exceptional circumstances Progress" in text  # the column heading
    assert "Not started" in text and "In progress" in text and "Update 1: on track." in text
    assert "Completed 30/11/2023" in text  # actual completion date


def test_exceptional_circumstances_summary():
    snapshot = make_snapshot(30)
    claimed = [row["ref"] for row in snapshot["rows"] if row["exceptional_circumstances"]]
    assert claimed
    text = text_of(render(snapshot, draft=True))
    assert re.search(rf"Rows claiming exceptional\s+circumstances\s*{len(claimed)} \(", text)


def fonts_in(pdf: bytes) -> dict[str, bool]:
    """BaseFont name -> whether the font program is embedded (/FontFile2)."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    return found


def test_bundled_liberation_sans_is_embedded(draft_pdf):
    fonts = fonts_in(draft_pdf)
    assert fonts
    # WeasyPrint names the subset after the family: "/ABCDEF+Liberation-Sans-Bold".
    assert all("LiberationSans" in name.replace("-", "") for name in fonts), fonts
    assert all(fonts.values()), fonts
    assert any("Bold" in name for name in fonts)


def test_tagged_pdf_ua_with_language_title_and_plan_metadata(draft_pdf):
    reader = pypdf.PdfReader(io.BytesIO(draft_pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    meta = reader.metadata
    assert "IP-2022-23-QXX-12" in meta.title
    assert meta["/DSPTPlanReference"] == "IP-2022-23-QXX-12"
    assert meta["/DSPTPlanVersion"] == "3"
    assert meta["/DSPTContentHash"] == make_snapshot(30)["plan"]["content_hash"]


def test_markup_in_rows_is_escaped_and_never_fetched():
    snapshot = make_snapshot(3)
    hostile_img = '<img src="file:///etc/passwd">'
    hostile_link = '<link href="http://example.com/x.css">'
    snapshot["rows"][0]["actions"] = f"Fix it {hostile_img} now"
    snapshot["rows"][1]["current_position"] = hostile_link
    snapshot["organisation"]["name"] = "Trust <b>&amp; Co</b>"
    fetcher = LockedDownURLFetcher((STATIC / "fonts", TEMPLATES / "exports"))
    pdf = render(snapshot, draft=True, url_fetcher=fetcher)
    assert fetcher.requested, "the fonts should have been fetched through our fetcher"
    for url in fetcher.requested:
        assert url.startswith("file://") and url.endswith(".ttf"), url
        assert "passwd" not in url and "example.com" not in url
    squashed = re.sub(r"\s+", "", text_of(pdf))
    assert re.sub(r"\s+", "", hostile_img) in squashed
    assert re.sub(r"\s+", "", hostile_link) in squashed
    assert "Trust<b>&amp;Co</b>" in squashed


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
        "ftp://example.com/a.ttf",
        (STATIC / "fonts" / ".." / ".." / "pyproject.toml").as_uri(),
        (STATIC / "fonts" / "LICENSE-LiberationSans.txt").as_uri(),
        "file://evil.example/" + str(STATIC / "fonts" / "LiberationSans-Regular.ttf"),
    ],
)
def test_fetcher_refuses_everything_but_bundled_files(url):
    fetcher = LockedDownURLFetcher((STATIC / "fonts",))
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch(url)


def test_fetcher_serves_bundled_fonts():
    fetcher = LockedDownURLFetcher((STATIC / "fonts",))
    response = fetcher.fetch((STATIC / "fonts" / "LiberationSans-Regular.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"


def test_empty_plan_still_renders():
    snapshot = make_snapshot(0)
    assert "This plan has no rows." in text_of(render(snapshot, draft=True))


# Skipped only on a developer machine without poppler-utils; in CI (which installs it) a missing
# pdftoppm fails the test instead of hiding it.
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="needs pdftoppm (apt-get install poppler-utils; .ci/run installs it)",
)
def test_pages_rasterise(draft_pdf, tmp_path):
    (tmp_path / "plan.pdf").write_bytes(draft_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "1", "-l", "3", "-png", "plan.pdf", "page"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 3
    assert all(image.stat().st_size > 2_000 for image in images)


def structure_role_counts(pdf: bytes) -> Counter:
    """How many structure elements of each /S role the tagged structure tree has."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    roles, stack = Counter(), [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
        elif isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                roles[str(node["/S"])] += 1
            if "/K" in node:
                stack.append(node["/K"])
    return roles


def structure_roles(pdf: bytes) -> set[str]:
    """Every /S role in the tagged structure tree."""
    return set(structure_role_counts(pdf))


def test_structure_has_headings_and_tables(draft_pdf):
    roles = structure_roles(draft_pdf)
    assert {"/H1", "/H2", "/H3", "/Table", "/TR", "/TH", "/TD"} <= roles, roles


def test_undated_milestones_and_missing_dates_are_explicit():
    snapshot = make_snapshot(1)
    snapshot["rows"][0]["milestones"] = [{"date": None, "description": "Agree scope"}]
    snapshot["rows"][0]["completion_date"] = None
    text = text_of(render(snapshot, draft=True))
    assert "No date – Agree scope" in text
    assert "Target: not given" in text


def test_each_standard_is_one_table_with_a_heading_row_per_assertion(draft_pdf):
    """One table per standard rather than per assertion: far fewer tables and repeated header
    rows to lay out (issue #7). Every assertion still heads its own rows."""
    snapshot = make_snapshot(30)
    standards = {row["standard"] for row in snapshot["rows"]}
    # The draft's cover has the plan details (no sign-off yet); the summary page has two more.
    assert structure_role_counts(draft_pdf)["/Table"] == len(standards) + 3
    text = text_of(draft_pdf)
    for assertion in {row["assertion"] for row in snapshot["rows"]}:
        assert f"Assertion {assertion}" in text, assertion


def test_document_information_is_a_plain_object_and_streams_are_compressed(final_pdf):
    """The document information is not in the object stream, so pyHanko reads it without
    parsing the whole stream when it signs and verifies (issue #7); the content streams are
    still Flate-compressed (at a faster level than pydyf's default)."""
    reader = pypdf.PdfReader(io.BytesIO(final_pdf))
    info = reader.trailer.raw_get("/Info")
    assert info.idnum not in reader.xref_objStm
    assert reader.metadata["/DSPTPlanReference"] == "IP-2022-23-QXX-12"
    assert all(page["/Contents"].get_object()["/Filter"] == "/FlateDecode" for page in reader.pages)


def test_render_gives_the_garbage_collector_back(monkeypatch):
    """The collector is paused during a render, and left as it was found, even on failure."""
    snapshot = make_snapshot(1)
    assert gc.isenabled()
    render(snapshot, draft=True)
    assert gc.isenabled()
    gc.disable()
    try:
        render(snapshot, draft=True)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def broken(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf_module, "write_plan_pdf", broken)
    with pytest.raises(RuntimeError):
        render(snapshot, draft=True)
    assert gc.isenabled()


def last_content_lines(pdf: bytes) -> list[str]:
    """The last line of each page above the page margins (header and footer text)."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        lines = [line for line in lines if "content hash" not in line and line != "Draft for board approval"]
        found.append(lines[-1])
    return found


@pytest.mark.parametrize("rows", [30, 50])
def test_no_page_ends_with_a_heading(rows, draft_pdf):
    """A standard's heading, an assertion's heading row or a bare header row never end a page
    with their rows on the next one."""
    pdf = draft_pdf if rows == 30 else render(make_snapshot(rows), draft=True)  # 50: 3 breaks at risk
    for line in last_content_lines(pdf)[1:]:  # the cover page ends with the title block
        assert not re.match(r"(Standard \d+:|Assertion \d|Ref Evidence item|circumstances$)", line), line
