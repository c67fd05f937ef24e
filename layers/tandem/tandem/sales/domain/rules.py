"""Order rules as small named functions and constants, shared by the domain and the HTTP models."""

from __future__ import annotations

import re
from decimal import Decimal

from tandem.shared.money import minor_unit
from tandem.shared.text import text_error

# Inventory reserves all lines of an order in ONE transaction (lines x 2 writes + reservation + outbox
# <= 100 items), so it takes at most 20 lines (tandem.inventory.domain.rules.MAX_LINES). Sales refuses
# more at POST /orders instead of accepting an order the saga must reject. Keep the two equal: a test
# (tests/unit/sales/test_line_limit.py) ties them together; code may not import across contexts.
MAX_LINES = 20
MIN_QUANTITY = 1
MAX_QUANTITY = 1000
NAME_MAX = 200
EMAIL_MAX = 254
ADDRESS_FIELD_MAX = 200
POSTAL_CODE_MAX = 20
SKU_MAX = 64
REASON_MAX = 500

EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

# Why an order closed, as the saga and the API write it into OrderRejected / OrderCancelled.
REASON_OUT_OF_STOCK = "out_of_stock"
REASON_PAYMENT_TIMEOUT = "payment_timeout"
REASON_CUSTOMER_REQUEST = "customer_request"
REASON_CANCELLED_BY_CUSTOMER = "cancelled_by_customer"
REASON_FULFILLMENT_FAILED = "fulfillment_failed"


def email_error(email: str) -> str | None:
    if len(email) > EMAIL_MAX or not re.match(EMAIL_PATTERN, email):
        return "must be a valid email address"
    return None


def single_line_error(text: str) -> str | None:
    """Names, addresses and reasons end up in mail: the one text policy for a single line
    (``tandem.shared.text``: no line breaks, control, bidi or zero-width characters, no markup)."""
    return text_error(text)


def same_email(a: str, b: str | None) -> bool:
    """Email addresses compare normalised: surrounding spaces dropped, case folded (the domain part is
    case-insensitive, and so are people). The one comparison of emails; ``b`` None never matches."""
    return b is not None and bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def two_places(value: Decimal) -> Decimal:
    """The same number with at least two decimals (DynamoDB returns ``19.9`` for ``19.90``), so it
    serialises as ``"19.90"`` / ``"0.20"``; a more precise value (``0.055``) is kept as it is."""
    two = value.quantize(Decimal("0.01"))
    return two if two == value else value.normalize()


def in_minor_units(value: Decimal, currency: str) -> Decimal:
    """An amount with exactly ``currency``'s minor digits when it has no finer part (DynamoDB returns
    ``19.9`` for ``19.90``; ``1999`` stays ``1999`` in JPY), so it serialises as the currency writes it."""
    exact = value.quantize(minor_unit(currency))
    return exact if exact == value else value.normalize()


def rate_text(rate: Decimal) -> str:
    """A tax rate fraction as a string with at least two decimals: ``0.2`` -> ``"0.20"``."""
    return str(two_places(rate))


# EU VAT identification numbers: the country prefix (ISO 3166 alpha-2, but EL for Greece and XI for
# Northern Ireland) and that country's format, as the European Commission's VIES documents them. A format
# check only: whether the number is registered is VIES's to say.
VAT_ID_MAX = 16
_VAT_FORMATS = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d[A-Z0-9+*]\d{5}[A-W][A-I]?",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}
_VAT_SEPARATORS = re.compile(r"[\s.\-]")


def normalize_vat_id(vat_id: str) -> str:
    """Upper case without the spaces, dots and hyphens people write in it: "fr 40 303 265 045" -> "FR40303265045"."""
    return _VAT_SEPARATORS.sub("", vat_id).upper()


def vat_id_error(vat_id: str) -> str | None:
    """Why ``vat_id`` (normalized) is not an EU VAT number, or None."""
    prefix, number = vat_id[:2], vat_id[2:]
    if prefix not in _VAT_FORMATS:
        return "must start with an EU country prefix (AT, BE, ..., EL for Greece, XI for Northern Ireland)"
    if not re.fullmatch(_VAT_FORMATS[prefix], number):
        return f"does not match the {prefix} VAT number format"
    return None
