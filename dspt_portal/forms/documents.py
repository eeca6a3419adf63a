from flask_wtf.file import FileField, FileRequired

from .base import StrippedForm


class VerifyForm(StrippedForm):
    file = FileField("PDF to check", validators=[FileRequired("Choose a PDF file")])


class ImportForm(StrippedForm):
    file = FileField("Spreadsheet (.xlsx)", validators=[FileRequired("Choose an .xlsx spreadsheet")])
