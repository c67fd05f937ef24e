"""Commands the ledger accepts: post the entry for one billing or payroll event (one class per event type).

Each command knows what its event books (``posting``): the lines (domain/rules.py), the document, the party,
the receivables item its lines on account 1200 move, and its output VAT by rate. Document dates are days
in the business time zone; a payment's ``received_at`` instant is turned into one with the zone given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import ClassVar, Protocol
from uuid import UUID

from tandem.ledger.domain import rules
from tandem.ledger.domain.model import Document, DocumentType, JournalLine, OpenItem, VatAmount
from tandem.ledger.domain.rules import PayrollRole, RefundSource

PayrollLine = tuple[PayrollRole, Decimal, Decimal]  # role, debit, credit


@dataclass(frozen=True, slots=True)
class Posting:
    """What one billing event books, before the ledger gives it a posting date."""

    lines: tuple[JournalLine, ...]
    document: Document
    party: str | None = None
    open_item: OpenItem | None = None
    vat: tuple[VatAmount, ...] = ()


class PostingCommand(Protocol):
    """What the service needs of any posting command (read-only: the commands are frozen)."""

    source_event_type: ClassVar[str]

    @property
    def source_event_id(self) -> UUID: ...

    @property
    def currency(self) -> str: ...

    def posting(self, zone: tzinfo) -> Posting: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PostInvoiceIssued:
    source_event_type: ClassVar[str] = "InvoiceIssued"
    source_event_id: UUID
    currency: str
    invoice_id: str
    number: str
    customer_email: str | None
    issue_date: date
    due_date: date
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    tax_breakdown: tuple[VatAmount, ...] = ()

    def posting(self, zone: tzinfo) -> Posting:
        return Posting(
            rules.invoice_issued(net_total=self.net_total, tax_total=self.tax_total, gross_total=self.gross_total),
            Document(DocumentType.INVOICE, self.invoice_id, self.issue_date, self.number),
            self.customer_email,
            OpenItem(self.invoice_id, self.customer_email, self.number, self.issue_date, self.due_date),
            self.tax_breakdown,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostCreditNoteIssued:
    """A credit note reduces its invoice's open item; its VAT by rate counts negative (VAT given back)."""

    source_event_type: ClassVar[str] = "CreditNoteIssued"
    source_event_id: UUID
    currency: str
    credit_note_id: str
    number: str
    invoice_id: str
    invoice_number: str | None
    customer_email: str | None
    issue_date: date
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    tax_breakdown: tuple[VatAmount, ...] = ()

    def posting(self, zone: tzinfo) -> Posting:
        return Posting(
            rules.credit_note_issued(net_total=self.net_total, tax_total=self.tax_total, gross_total=self.gross_total),
            Document(DocumentType.CREDIT_NOTE, self.credit_note_id, self.issue_date, self.number),
            self.customer_email,
            OpenItem(self.invoice_id, self.customer_email, self.invoice_number),
            tuple(VatAmount(v.tax_category, v.tax_rate, -v.taxable, -v.tax) for v in self.tax_breakdown),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPaymentReceived:
    """Applied to its invoice (Cr Receivables on the invoice's item), or a prepayment on an order not invoiced
    yet (Cr Customer advances). Dated with the day it was received in the business time zone."""

    source_event_type: ClassVar[str] = "PaymentReceived"
    source_event_id: UUID
    currency: str
    payment_id: str
    amount: Decimal
    received_at: datetime
    invoice_id: str | None = None
    customer_email: str | None = None

    def posting(self, zone: tzinfo) -> Posting:
        applied = self.invoice_id is not None
        return Posting(
            rules.payment_received(amount=self.amount, applied_to_invoice=applied),
            Document(DocumentType.PAYMENT, self.payment_id, self.received_at.astimezone(zone).date()),
            self.customer_email,
            OpenItem(self.invoice_id, self.customer_email) if applied else None,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPrepaymentApplied:
    """An invoice took its order's prepayments: booked on the invoice (its document) the day they applied."""

    source_event_type: ClassVar[str] = "PrepaymentApplied"
    source_event_id: UUID
    currency: str
    invoice_id: str
    invoice_number: str | None
    customer_email: str | None
    amount: Decimal
    applied_on: date

    def posting(self, zone: tzinfo) -> Posting:
        return Posting(
            rules.prepayment_applied(amount=self.amount),
            Document(DocumentType.INVOICE, self.invoice_id, self.applied_on, self.invoice_number),
            self.customer_email,
            OpenItem(self.invoice_id, self.customer_email, self.invoice_number),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPaymentUnmatched:
    """Money naming no known order or invoice: held on suspense, with no party."""

    source_event_type: ClassVar[str] = "PaymentUnmatched"
    source_event_id: UUID
    currency: str
    payment_id: str
    amount: Decimal
    received_at: datetime

    def posting(self, zone: tzinfo) -> Posting:
        return Posting(
            rules.payment_unmatched(amount=self.amount),
            Document(DocumentType.PAYMENT, self.payment_id, self.received_at.astimezone(zone).date()),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostUnmatchedPaymentApplied:
    """Finance applied a held payment to an invoice: the payment (its document) moves from suspense to it."""

    source_event_type: ClassVar[str] = "UnmatchedPaymentApplied"
    source_event_id: UUID
    currency: str
    payment_id: str
    invoice_id: str
    invoice_number: str | None
    customer_email: str | None
    amount: Decimal
    applied_on: date

    def posting(self, zone: tzinfo) -> Posting:
        return Posting(
            rules.unmatched_payment_applied(amount=self.amount),
            Document(DocumentType.PAYMENT, self.payment_id, self.applied_on),
            self.customer_email,
            OpenItem(self.invoice_id, self.customer_email, self.invoice_number),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostRefundPaid:
    """Money paid back, from the account it sat on. A refund of a customer's credit (``invoice_credit``) is
    booked on the customer's unallocated receivables item: it offsets the credit their invoices show."""

    source_event_type: ClassVar[str] = "RefundPaid"
    source_event_id: UUID
    currency: str
    refund_id: str
    customer_email: str | None
    amount: Decimal
    source: RefundSource
    paid_on: date

    def posting(self, zone: tzinfo) -> Posting:
        on_receivables = self.source is RefundSource.INVOICE_CREDIT
        return Posting(
            rules.refund_paid(amount=self.amount, source=self.source),
            Document(DocumentType.REFUND, self.refund_id, self.paid_on),
            self.customer_email,
            OpenItem(None, self.customer_email) if on_receivables else None,
        )


def _period_end(period: str) -> date:
    """The last day of ``YYYY-MM`` (the tolerant reader checked the form)."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPayrollRunPosted:
    """A run's accrual, as payroll computed it (by role), dated the period's last day: wages are an expense
    of the month they are earned in, whenever they are paid."""

    source_event_type: ClassVar[str] = "PayrollRunPosted"
    source_event_id: UUID
    currency: str
    run_id: str
    period: str
    lines: tuple[PayrollLine, ...]

    def posting(self, zone: tzinfo) -> Posting:
        document = Document(DocumentType.PAYROLL_RUN, self.run_id, _period_end(self.period), self.period)
        return Posting(rules.payroll_lines(self.lines), document)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPayrollRunPaid:
    """The wages left the bank: Dr net wages payable / Cr bank, dated the day they were paid."""

    source_event_type: ClassVar[str] = "PayrollRunPaid"
    source_event_id: UUID
    currency: str
    run_id: str
    period: str
    lines: tuple[PayrollLine, ...]
    paid_at: datetime

    def posting(self, zone: tzinfo) -> Posting:
        document = Document(DocumentType.PAYROLL_RUN, self.run_id, self.paid_at.astimezone(zone).date(), self.period)
        return Posting(rules.payroll_lines(self.lines), document)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostPayrollRunReversed:
    """A reversal run: every line the original posted (accrual, and payment if it was paid), sides swapped,
    dated the period's last day like the accrual it undoes (the first open day after, if that period is
    closed), so the trial balance is back where it was before the original run."""

    source_event_type: ClassVar[str] = "PayrollRunReversed"
    source_event_id: UUID
    currency: str
    run_id: str
    reverses_run_id: str
    period: str
    lines: tuple[PayrollLine, ...]

    def posting(self, zone: tzinfo) -> Posting:
        document = Document(DocumentType.PAYROLL_RUN, self.run_id, _period_end(self.period), self.period)
        return Posting(rules.payroll_lines(self.lines), document)


POSTING_COMMANDS: tuple[type[PostingCommand], ...] = (
    PostInvoiceIssued,
    PostCreditNoteIssued,
    PostPaymentReceived,
    PostPrepaymentApplied,
    PostPaymentUnmatched,
    PostUnmatchedPaymentApplied,
    PostRefundPaid,
    PostPayrollRunPosted,
    PostPayrollRunPaid,
    PostPayrollRunReversed,
)
