"""Posting rules: which accounts a billing document moves, and by how much.

Zero amounts make no line (an invoice without VAT has no VAT line); a document whose amounts are
all zero gives no lines at all, and the service then posts nothing.
"""

from __future__ import annotations

from decimal import Decimal

from tandem.ledger.domain.model import BANK, RECEIVABLES, REVENUE, VAT_PAYABLE, JournalLine


def _nonzero(*lines: tuple[str, str, Decimal]) -> tuple[JournalLine, ...]:
    return tuple(
        JournalLine.dr(account, amount) if side == "dr" else JournalLine.cr(account, amount)
        for side, account, amount in lines
        if amount != 0
    )


def invoice_issued(*, net_total: Decimal, tax_total: Decimal, gross_total: Decimal) -> tuple[JournalLine, ...]:
    """Dr Receivables gross / Cr Revenue net / Cr VAT payable tax: the customer owes us the gross."""
    return _nonzero(("dr", RECEIVABLES, gross_total), ("cr", REVENUE, net_total), ("cr", VAT_PAYABLE, tax_total))


def credit_note_issued(*, net_total: Decimal, tax_total: Decimal, gross_total: Decimal) -> tuple[JournalLine, ...]:
    """The reverse of an invoice: Dr Revenue net, Dr VAT payable tax / Cr Receivables gross."""
    return _nonzero(("dr", REVENUE, net_total), ("dr", VAT_PAYABLE, tax_total), ("cr", RECEIVABLES, gross_total))


def payment_received(*, amount: Decimal) -> tuple[JournalLine, ...]:
    """Dr Bank / Cr Receivables, for the whole amount received.

    An overpayment (``unapplied_amount`` > 0) still credits Receivables in full, as the contract
    says: the customer's account then shows a credit balance, which is what it is.
    """
    return _nonzero(("dr", BANK, amount), ("cr", RECEIVABLES, amount))
