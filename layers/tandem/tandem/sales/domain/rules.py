"""Order rules as small named functions and constants, shared by the domain and the HTTP models."""

from __future__ import annotations

import re
from decimal import Decimal

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

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
    """Names and addresses end up in mail: no control characters or line breaks."""
    return "must be a single line without control characters" if _CONTROL.search(text) else None


def same_email(a: str, b: str | None) -> bool:
    """Email addresses compare case-insensitively (the domain part is, and so do people)."""
    return b is not None and a.strip().casefold() == b.strip().casefold()


def two_places(value: Decimal) -> Decimal:
    """The same number with at least two decimals (DynamoDB returns ``19.9`` for ``19.90``), so it
    serialises as ``"19.90"`` / ``"0.20"``; a more precise value (``0.055``) is kept as it is."""
    two = value.quantize(Decimal("0.01"))
    return two if two == value else value.normalize()


def rate_text(rate: Decimal) -> str:
    """A tax rate fraction as a string with at least two decimals: ``0.2`` -> ``"0.20"``."""
    return str(two_places(rate))
