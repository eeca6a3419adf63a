"""Builders for hostile and odd spreadsheets used by the import tests."""

import io
import zipfile

from openpyxl import Workbook, load_workbook


def rezip(data: bytes, extra: dict[str, bytes] | None = None, replace=None) -> bytes:
    """Copy an xlsx package, adding members and rewriting others (name -> fn(bytes))."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if replace and info.filename in replace:
                content = replace[info.filename](content)
            dst.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def edit(data: bytes, change) -> bytes:
    """Load an exported workbook, let ``change(ws)`` edit the plan sheet, save it again."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Improvement plan"]
    ws.protection.sheet = False
    change(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def simple_workbook(rows: list[list], title: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def many_rows_workbook(count: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Improvement plan")
    ws.append(["Evidence item reference", "Actions required", "Action owner"])
    for index in range(count):
        ws.append([f"1.1.{index}", "Do the thing", "Jo"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb(size: int = 60_000_000) -> bytes:
    """A small .xlsx-shaped zip whose sheet XML inflates to ``size`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        chunk = b"<row><c><v>0</v></c></row>" * 40_000
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            written = 0
            while written < size:
                sheet.write(chunk)
                written += len(chunk)
    return out.getvalue()
