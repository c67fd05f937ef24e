"""Inventory rules as small named functions, shared by the domain and the HTTP request models.

Each check returns an error message or None, so the edge can report every bad field at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from tandem.shared.money import is_currency, minor_unit_error
from tandem.shared.text import text_error as single_line_error

SKU_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,31}$"
NAME_MAX = 200
REASON_MAX = 200
REFERENCE_MAX = 100
ORDER_ID_MAX = 64
MAX_QUANTITY = 1_000_000  # per line / movement: a typo guard, far above any real order
MAX_PRICE = Decimal("1000000")
# A reservation is ONE transaction: lines x 2 writes + reservation + outbox <= 100 items. Sales refuses
# orders of more lines at POST /orders with the same limit (tandem.sales.domain.rules.MAX_LINES); a test
# (tests/unit/sales/test_line_limit.py) keeps the two equal, as code may not import across contexts.
MAX_LINES = 20
MOVEMENTS_SHOWN = 50

_SKU = re.compile(SKU_PATTERN)


def normalize_sku(raw: str) -> str:
    """SKUs are upper case; ``abc-1`` and ``ABC-1`` name the same product."""
    return raw.strip().upper()


def sku_error(sku: str) -> str | None:
    return None if _SKU.match(sku) else "must be 1-32 upper-case letters, digits or '-', not starting with '-'"


def text_error(text: str, *, max_length: int) -> str | None:
    """One line of plain text: not empty, not too long, and the one text policy (``tandem.shared.text``:
    no line breaks, control, bidi or zero-width characters, no markup)."""
    if not text.strip():
        return "must not be empty"
    if len(text) > max_length:
        return f"must be at most {max_length} characters"
    return single_line_error(text)


def price_error(price: Decimal, currency: str | None = None) -> str | None:
    """Positive, below a sanity ceiling, and no finer than ``currency``'s ISO 4217 minor unit (cents for
    EUR, whole yen for JPY). Before the currency is known (a request's field on its own), or when it is
    no ISO 4217 currency (the service refuses it), at most 4 decimals: the finest minor unit there is."""
    try:
        if not price.is_finite() or price <= 0:
            return "must be greater than 0"
        if is_currency(currency) and (error := minor_unit_error(price, str(currency))):
            return error
        if price != price.quantize(Decimal("0.0001")):
            return "must have at most 4 decimals"
    except InvalidOperation:
        return "must be a decimal amount"
    if price >= MAX_PRICE:
        return f"must be below {MAX_PRICE}"
    return None


def quantity_error(quantity: int, *, minimum: int = 1) -> str | None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return "must be an integer"
    if quantity < minimum:
        return f"must be at least {minimum}"
    if quantity > MAX_QUANTITY:
        return f"must be at most {MAX_QUANTITY}"
    return None


def merge_lines(lines: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """One line per sku (quantities added), sorted by sku: the same order gives the same reservation."""
    merged: dict[str, int] = {}
    for sku, quantity in lines:
        merged[sku] = merged.get(sku, 0) + quantity
    return sorted(merged.items())


def needs_reorder(*, active: bool, available: int, reorder_point: int, has_open_order: bool) -> bool:
    """Draft a purchase order when an active product's available stock is at or below its reorder point,
    unless one is already open for it."""
    return active and available <= reorder_point and not has_open_order
