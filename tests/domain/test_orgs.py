import pytest

from dspt_portal.domain.orgs import (
    ORG_TYPES,
    is_oes,
    normalise_ods_code,
    routes_to_region,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [("rxx", "RXX"), (" X26 ", "X26"), ("00Q", "00Q"), ("r1a2b", "R1A2B")],
)
def test_normalise_ods_code(text, code):
    assert normalise_ods_code(text) == code


@pytest.mark.parametrize("text", ["", "AB", "ABCDEF", "R-X", "R X", "<b>", None])
def test_bad_ods_codes(text):
    message = "Enter an ODS code of 3 to 5 letters and numbers, like RXX or X26"
    with pytest.raises(ValueError, match=f"^{message}$"):
        normalise_ods_code(text)


def test_routing_and_oes():
    regional = {t for t in ORG_TYPES if routes_to_region(t)}
    assert regional == {"NHS Trust", "Foundation Trust", "ICB", "CSU"}
    assert not routes_to_region("Local Authority")
    assert not routes_to_region("Arm's Length Body")
    assert {t for t in ORG_TYPES if is_oes(t)} == {
        "NHS Trust",
        "Foundation Trust",
        "ICB",
    }
    assert not is_oes("CSU")
