"""Plan exports: PDF (signed), XLSX and CSV, and the XLSX import.

Pure functions over the plan snapshot dict (docs/snapshot-format.md): no Flask, no database.
"""
