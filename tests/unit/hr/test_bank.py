"""IBANs are checked by checksum and by their country's length and layout; BICs by their shape."""

from __future__ import annotations

import pytest
from tandem.hr.domain.bank import BankAccount, valid_bic, valid_iban
from tandem.hr.domain.errors import InvalidBic, InvalidIban

# Published example IBANs of several countries (each country's registry entry or its banks' documentation).
GOOD = {
    "DE89 3704 0044 0532 0130 00": "DE89370400440532013000",
    "GB82 WEST 1234 5698 7654 32": "GB82WEST12345698765432",
    "FR14 2004 1010 0505 0001 3M02 606": "FR1420041010050500013M02606",
    "nl91abna0417164300": "NL91ABNA0417164300",
    "ES91 2100 0418 4502 0005 1332": "ES9121000418450200051332",
    "AT61 1904 3002 3457 3201": "AT611904300234573201",
    "CH93 0076 2011 6238 5295 7": "CH9300762011623852957",
    "BE71 0961 2345 6769": "BE71096123456769",
}


@pytest.mark.parametrize(("raw", "compact"), GOOD.items())
def test_real_format_ibans_are_accepted_and_stored_compact(raw, compact):
    assert valid_iban(raw) == compact


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("DE89370400440532013001", "check digits"),  # one digit off: the checksum catches it
        ("DE88370400440532013000", "check digits"),  # wrong check digits
        ("DE8937040044053201300", "length"),  # a digit short
        ("GB82WEST1234569876543", "length"),
        ("XX82WEST12345698765432", "length or layout"),  # no such country
        ("DE89 3704 0044 0532 0130 0X", "length or layout"),  # a letter where Germany has digits
        ("DE89-3704!0044", "not an IBAN"),
        ("", "required"),
        ("   ", "required"),
    ],
)
def test_bad_ibans_are_refused_with_the_field_named(raw, reason):
    with pytest.raises(InvalidIban) as refused:
        valid_iban(raw)
    assert refused.value.details == [{"field": "iban", "message": refused.value.details[0]["message"]}]
    assert reason in refused.value.message
    assert refused.value.code == "invalid_iban"


def test_bics_of_8_and_11_characters_are_accepted_in_upper_case():
    assert valid_bic("cobadeff") == "COBADEFF"
    assert valid_bic("COBADEFFXXX") == "COBADEFFXXX"


@pytest.mark.parametrize("raw", ["COBADEF", "COBA DE FF X", "COBA12FFXXX", "COBAXXFF"])
def test_malformed_bics_are_refused(raw):
    with pytest.raises(InvalidBic):
        valid_bic(raw)


def test_a_bic_of_another_country_than_the_iban_is_refused():
    with pytest.raises(InvalidBic, match="FR"):
        BankAccount.of("DE89370400440532013000", "BNPAFRPPXXX")


def test_the_bic_is_optional_and_the_account_prints_grouped_and_masked():
    account = BankAccount.of("de89 3704 0044 0532 0130 00")
    assert account.bic is None
    assert account.display == "DE89 3704 0044 0532 0130 00"
    assert account.masked == "DE89 **** 3000"
