"""The buyer's EU VAT number: normalized, checked against its country's format, refused with the field named."""

from __future__ import annotations

import pytest
from tandem.sales.domain import rules


@pytest.mark.parametrize(
    "vat_id",
    [
        "ATU13585627",
        "BE0411905847",
        "DE123456789",
        "EL094259216",
        "ESA28015865",
        "FR40303265045",
        "FRK7399859412",
        "IE6388047V",
        "IE1234567WA",
        "IT00743110157",
        "NL004495445B01",
        "PL5260250274",
        "SE556703748501",
        "XI123456789",
    ],
)
def test_eu_vat_numbers_in_their_countrys_format_pass(vat_id):
    assert rules.vat_id_error(vat_id) is None


@pytest.mark.parametrize(
    ("vat_id", "message"),
    [
        ("DE12345678", "does not match the DE VAT number format"),
        ("DE1234567890", "does not match the DE VAT number format"),
        ("ATX13585627", "does not match the AT VAT number format"),
        ("FRIO303265045", "does not match the FR VAT number format"),  # I and O are not used in the key
        ("SE556703748599", "does not match the SE VAT number format"),
        ("GR094259216", "EU country prefix"),
        ("GB123456789", "EU country prefix"),
        ("", "EU country prefix"),
    ],
)
def test_other_numbers_are_refused_with_the_reason(vat_id, message):
    assert message in (rules.vat_id_error(vat_id) or "")


def test_people_write_spaces_dots_and_hyphens_in_it():
    assert rules.normalize_vat_id(" fr 40-303.265.045 ") == "FR40303265045"
