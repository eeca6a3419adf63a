"""Formula-injection neutralisation and its exact reversal."""

import pytest

from dspt_portal.exports.safety import neutralise, restore


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
        ("", ""),
        ("'", "'"),
        ("a=b", "a=b"),
        (None, None),
        (5, 5),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", ["=1", "'=1", "''=1", "plain", "'plain", "-", "@", "'", "", "x-y"])
def test_restore_reverses_neutralise(value):
    assert restore(neutralise(value)) == value
