"""How a commerce event reads on the customer timeline: one-line summaries (plain text, one line, bounded)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tandem.shared.money import amount_text
from tandem.shared.text import one_line

SUMMARY_MAX = 200


def clean(text: str, limit: int = 120) -> str:
    """Free text from another context (a reason) as one short printable line."""
    single = one_line(text)
    return single if len(single) <= limit else single[: limit - 1] + "…"


def _items(quantities: Iterable[int]) -> str:
    count = sum(quantities)
    return f"{count} item" if count == 1 else f"{count} items"


def _money(currency: str, amount: Decimal) -> str:
    """``EUR 36.00``, ``JPY 2199``: the currency's ISO 4217 minor digits, whatever the event wrote."""
    return f"{clean(currency, 3)} {amount_text(amount, currency)}"


def _bounded(text: str) -> str:
    return clean(text, SUMMARY_MAX)


def order_placed(quantities: Iterable[int], currency: str, gross_total: Decimal) -> str:
    return _bounded(f"Order placed: {_items(quantities)}, {_money(currency, gross_total)}")


def order_confirmed(invoice_number: str | None) -> str:
    return _bounded(f"Order confirmed: invoice {clean(invoice_number, 40)}" if invoice_number else "Order confirmed")


def order_rejected(reason: str) -> str:
    return _bounded(f"Order rejected: {clean(reason)}")


def order_cancelled(reason: str) -> str:
    return _bounded(f"Order cancelled: {clean(reason)}")


def order_shipped(quantities: Iterable[int]) -> str:
    return _bounded(f"Order shipped: {_items(quantities)}")


def invoice_issued(number: str, currency: str, gross_total: Decimal) -> str:
    return _bounded(f"Invoice {clean(number, 40)} issued: {_money(currency, gross_total)}")


def credit_note_issued(number: str, invoice_number: str | None, currency: str, gross_total: Decimal) -> str:
    target = f" for invoice {clean(invoice_number, 40)}" if invoice_number else ""
    return _bounded(f"Credit note {clean(number, 40)} issued{target}: {_money(currency, gross_total)}")


def payment_received(currency: str, amount: Decimal, unapplied: Decimal | None) -> str:
    extra = f" ({_money(currency, unapplied)} unapplied)" if unapplied else ""
    return _bounded(f"Payment received: {_money(currency, amount)}{extra}")


def invoice_paid(number: str) -> str:
    return _bounded(f"Invoice {clean(number, 40)} paid")
