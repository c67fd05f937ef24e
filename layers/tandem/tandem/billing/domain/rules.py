"""Billing rules as small named functions: document numbers, due dates, amounts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from tandem.shared.text import normalized, text_error

DEFAULT_PAYMENT_TERMS_DAYS = 14
NUMBER_DIGITS = 6
REASON_MAX = 500
ZERO = Decimal("0.00")


class DocumentKind(StrEnum):
    """One gapless number series per kind and year."""

    INVOICE = "INV"
    CREDIT_NOTE = "CN"


def document_number(kind: DocumentKind, year: int, sequence: int) -> str:
    """``INV-2026-000001``: kind, year of issue, 6-digit sequence starting at 1."""
    if not 1 <= sequence < 10**NUMBER_DIGITS:
        raise ValueError(f"sequence {sequence} does not fit {NUMBER_DIGITS} digits")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} is not a 4-digit year")
    return f"{kind.value}-{year:04d}-{sequence:0{NUMBER_DIGITS}d}"


def due_date(issue_date: date, payment_terms: str, terms_days: int) -> date:
    """Card payments are due at once; invoices (bank transfer) after ``terms_days``."""
    if payment_terms == "card":
        return issue_date
    return issue_date + timedelta(days=terms_days)


def cancellation_reason(reason: str | None) -> str:
    """The reason on the credit note of a cancelled order's invoice (the sales context's reason, if any and
    if it passes the one text policy: an older event's reason never blocks the credit)."""
    if not reason or text_error(reason := normalized(reason)):
        return "Order cancelled"
    return f"Order cancelled: {reason}"[:REASON_MAX]
