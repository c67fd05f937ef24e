"""Posting rules: which accounts a billing document moves, and by how much; payroll's lines by role.

Zero amounts make no line (an invoice without VAT has no VAT line); a document whose amounts are
all zero gives no lines at all, and the service then posts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from tandem.ledger.domain.model import (
    BANK,
    CUSTOMER_ADVANCES,
    EMPLOYER_CONTRIBUTION_EXPENSE,
    NET_WAGES_PAYABLE,
    RECEIVABLES,
    REVENUE,
    SALARY_EXPENSE,
    SOCIAL_CONTRIBUTIONS_PAYABLE,
    SUSPENSE,
    TAX_WITHHOLDING_PAYABLE,
    VAT_PAYABLE,
    JournalLine,
)


class RefundSource(StrEnum):
    """Where money owed back sits until it is paid out (the RefundDue/RefundPaid contract)."""

    ORDER_PREPAYMENT = "order_prepayment"
    INVOICE_CREDIT = "invoice_credit"
    UNMATCHED_PAYMENT = "unmatched_payment"


REFUND_ACCOUNT = {
    RefundSource.ORDER_PREPAYMENT: CUSTOMER_ADVANCES,
    RefundSource.INVOICE_CREDIT: RECEIVABLES,
    RefundSource.UNMATCHED_PAYMENT: SUSPENSE,
}


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


def payment_received(*, amount: Decimal, applied_to_invoice: bool = True) -> tuple[JournalLine, ...]:
    """Dr Bank / Cr Receivables for a payment of an invoice, for the whole amount received: an overpayment
    (``unapplied_amount`` > 0) leaves the customer's account in credit, which is what it is. A payment for an
    order not invoiced yet (a prepayment) is owed to the customer until an invoice takes it: Cr Customer
    advances."""
    return _nonzero(("dr", BANK, amount), ("cr", RECEIVABLES if applied_to_invoice else CUSTOMER_ADVANCES, amount))


def prepayment_applied(*, amount: Decimal) -> tuple[JournalLine, ...]:
    """An invoice took its order's prepayments: Dr Customer advances / Cr Receivables."""
    return _nonzero(("dr", CUSTOMER_ADVANCES, amount), ("cr", RECEIVABLES, amount))


def payment_unmatched(*, amount: Decimal) -> tuple[JournalLine, ...]:
    """Money naming no known order or invoice: Dr Bank / Cr Suspense (never receivables: it is nobody's yet)."""
    return _nonzero(("dr", BANK, amount), ("cr", SUSPENSE, amount))


def unmatched_payment_applied(*, amount: Decimal) -> tuple[JournalLine, ...]:
    """Finance applied a held payment to an invoice: Dr Suspense / Cr Receivables."""
    return _nonzero(("dr", SUSPENSE, amount), ("cr", RECEIVABLES, amount))


def refund_paid(*, amount: Decimal, source: RefundSource) -> tuple[JournalLine, ...]:
    """Money paid back leaves the bank from the account it sat on: Dr that account / Cr Bank. (RefundDue
    posts nothing: the money already sits on its source account.)"""
    return _nonzero(("dr", REFUND_ACCOUNT[source], amount), ("cr", BANK, amount))


class PayrollRole(StrEnum):
    """The account roles payroll's run events name (the payroll/ledger contract: docs/hr-payroll.md).
    Payroll computes the lines, balanced; the ledger only maps each role to its account and books them."""

    SALARY_EXPENSE = "salary_expense"
    EMPLOYER_CONTRIBUTION_EXPENSE = "employer_contribution_expense"
    NET_WAGES_PAYABLE = "net_wages_payable"
    TAX_WITHHOLDING_PAYABLE = "tax_withholding_payable"
    SOCIAL_CONTRIBUTIONS_PAYABLE = "social_contributions_payable"
    BANK = "bank"


PAYROLL_ACCOUNT = {
    PayrollRole.SALARY_EXPENSE: SALARY_EXPENSE,
    PayrollRole.EMPLOYER_CONTRIBUTION_EXPENSE: EMPLOYER_CONTRIBUTION_EXPENSE,
    PayrollRole.NET_WAGES_PAYABLE: NET_WAGES_PAYABLE,
    PayrollRole.TAX_WITHHOLDING_PAYABLE: TAX_WITHHOLDING_PAYABLE,
    PayrollRole.SOCIAL_CONTRIBUTIONS_PAYABLE: SOCIAL_CONTRIBUTIONS_PAYABLE,
    PayrollRole.BANK: BANK,
}


def payroll_lines(lines: Iterable[tuple[PayrollRole, Decimal, Decimal]]) -> tuple[JournalLine, ...]:
    """Payroll's ``(role, debit, credit)`` lines on the ledger's accounts, in their order; a line of zero is
    dropped (a run whose every amount is zero posts nothing). Whether they balance is the entry's check
    (``JournalEntry.post`` refuses an unbalanced entry): the ledger never makes up a difference."""
    journal: list[JournalLine] = []
    for role, debit, credit in lines:
        account = PAYROLL_ACCOUNT[role]
        if debit:
            journal.append(JournalLine.dr(account, debit))
        if credit:
            journal.append(JournalLine.cr(account, credit))
    return tuple(journal)
