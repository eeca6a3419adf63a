"""Reference data (regions, toolkit years, the evidence-item catalogue) loaded from CSV or XLSX."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .domain.catalogue import validate_catalogue_rows
from .domain.deadlines import YearDates
from .extensions import db
from .models import EvidenceItem, Region, ToolkitYear

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_MAX_BYTES = 5_000_000


class ImportRefused(ValueError):
    """The whole file was refused; nothing was written."""


@dataclass
class CatalogueReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.rejected:
            return [f"{len(self.rejected)} row(s) rejected, nothing imported:", *self.rejected]
        return [f"Added {self.added}, updated {self.updated}, unchanged {self.unchanged} evidence items."]


def read_table(data: bytes, filename: str) -> list[dict]:
    """Rows of a CSV (UTF-8, BOM allowed) or XLSX file as dicts keyed by lower-case header."""
    if len(data) > CATALOGUE_MAX_BYTES:
        raise ImportRefused("The file is larger than 5 MB")
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        from .exports.xlsx import check_package

        # The same checks as the plan import: not a zip bomb, no macros, really a workbook.
        if reason := check_package(data, CATALOGUE_MAX_BYTES, 50_000_000):
            raise ImportRefused(reason)
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many types for a bad file
            raise ImportRefused("The file is not a readable .xlsx spreadsheet") from exc
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused("The CSV file must be saved as UTF-8") from exc
        if "\x00" in text:  # UTF-16 or binary saved as .csv; PostgreSQL cannot store NUL either
            raise ImportRefused("The CSV file contains NUL characters: save it again as CSV UTF-8")
        values = list(csv.reader(io.StringIO(text)))
    if not values:
        raise ImportRefused("The file is empty")
    header = [h.strip().lower() for h in values[0]]
    return [dict(zip(header, (v.strip() for v in row), strict=False)) for row in values[1:]]


def load_regions(path: Path = DATA_DIR / "regions.csv") -> int:
    """Insert or update the NHS England regions; returns how many changed."""
    changed = 0
    with db.atomic():
        for row in read_table(path.read_bytes(), path.name):
            region = Region.get_or_none(Region.ods_code == row["ods_code"])
            if region is None:
                Region.create(ods_code=row["ods_code"], name=row["name"])
                changed += 1
            elif region.name != row["name"]:
                region.name = row["name"]
                region.save()
                changed += 1
    return changed


def load_toolkit_years(path: Path = DATA_DIR / "toolkit-years.csv") -> int:
    """Insert or update toolkit years and their dates; returns how many changed."""
    changed = 0
    with db.atomic():
        for row in read_table(path.read_bytes(), path.name):
            dates = YearDates.from_csv_row(row)
            values = {
                "version": int(row["version"]) if row.get("version") else None,
                "publication_deadline": dates.publication_deadline,
                "latest_completion_date": dates.latest_completion_date,
                "update_due_dates": ";".join(d.isoformat() for d in dates.update_due_dates),
                "escalation_dates": ";".join(d.isoformat() for d in dates.escalation_dates),
            }
            year = ToolkitYear.get_or_none(ToolkitYear.label == row["toolkit_year"])
            if year is None:
                ToolkitYear.create(label=row["toolkit_year"], **values)
                changed += 1
            elif any(getattr(year, k) != v for k, v in values.items()):
                ToolkitYear.update(**values).where(ToolkitYear.id == year.id).execute()
                changed += 1
    return changed


def import_catalogue(data: bytes, filename: str) -> CatalogueReport:
    """Import evidence items all-or-nothing; re-importing the same file changes nothing."""
    years = {y.label: y for y in ToolkitYear.select()}
    rows, problems = validate_catalogue_rows(read_table(data, filename), set(years))
    report = CatalogueReport(rejected=problems)
    if problems:
        return report
    existing = {
        (item.toolkit_year_id, item.ref): item
        for item in EvidenceItem.select().where(
            EvidenceItem.toolkit_year.in_([years[r.toolkit_year].id for r in rows] or [0])
        )
    }
    with db.atomic():
        for row in rows:
            year = years[row.toolkit_year]
            values = {
                "standard": row.standard,
                "standard_title": row.standard_title,
                "assertion": row.assertion,
                "text": row.text,
                "mandatory": row.mandatory,
                "org_types": ";".join(row.org_types),
            }
            item = existing.get((year.id, row.ref))
            if item is None:
                EvidenceItem.create(toolkit_year=year, ref=row.ref, **values)
                report.added += 1
            elif any(getattr(item, k) != v for k, v in values.items()):
                EvidenceItem.update(**values).where(EvidenceItem.id == item.id).execute()
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def load_all() -> None:
    """Regions, toolkit years and the bundled catalogue: what a fresh portal needs."""
    load_regions()
    load_toolkit_years()
    path = DATA_DIR / "dspt-evidence-items.csv"
    report = import_catalogue(path.read_bytes(), path.name)
    if report.rejected:
        raise ImportRefused("; ".join(report.lines()))
