"""Spreadsheet formula-injection defence shared by the XLSX and CSV exports.

Spreadsheet programs treat a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some programs, a leading tab or carriage return) as a formula. Every user-entered string we
write to a spreadsheet or CSV goes through :func:`neutralise`, which prefixes such values with a
single apostrophe ``'``. The apostrophe is visible in the cell, so the value is plainly text and
is never evaluated (the OWASP "CSV injection" recommendation).

The import reverses it with :func:`restore`, so export -> import round-trips exactly. To keep
that exact for text that itself starts with apostrophes before a trigger character, the rule is
applied to the value with its leading apostrophes ignored: ``"'=x"`` is written ``"''=x"`` and
read back as ``"'=x"``; a plain ``"'hello"`` is left alone.
"""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_prefix(value: str) -> bool:
    return value.lstrip("'")[:1] in TRIGGERS and value.lstrip("'") != ""


def neutralise(value):
    """Return ``value`` made safe for a spreadsheet cell; non-strings are returned unchanged."""
    if isinstance(value, str) and _needs_prefix(value):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise` on a value read back from a spreadsheet."""
    if isinstance(value, str) and value.startswith("'") and _needs_prefix(value[1:]):
        return value[1:]
    return value
