"""Tolerant readers of the billing and payroll events the ledger posts (the edge; the domain never sees them).

Only the fields the postings need are read and unknown fields are ignored, so billing can add fields
without the ledger noticing. The ledger imports nothing of billing's or payroll's packages: contexts are
decoupled.
These models are plain pydantic (not ``DomainEvent``), so they never enter the schema registry.
The contract (docs/order-to-cash.md): amounts positive, in ``currency``; ``customer_email`` is the party.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from tandem.ledger.domain.commands import (
    PostCreditNoteIssued,
    PostingCommand,
    PostInvoiceIssued,
    PostPaymentReceived,
    PostPaymentUnmatched,
    PostPayrollRunPaid,
    PostPayrollRunPosted,
    PostPayrollRunReversed,
    PostPrepaymentApplied,
    PostRefundPaid,
    PostUnmatchedPaymentApplied,
)
from tandem.ledger.domain.model import VatAmount
from tandem.ledger.domain.rules import PayrollRole, RefundSource
from tandem.shared.envelope import InboundEvent, TolerantReader
from tandem.shared.pricing import TaxCategory

Amount = Annotated[Decimal, Field(allow_inf_nan=False)]
Positive = Annotated[Decimal, Field(allow_inf_nan=False, ge=0)]
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Email = Annotated[str, Field(min_length=3, max_length=254)]
Ref = Annotated[str, Field(min_length=1, max_length=64)]


class TaxSubtotalIn(TolerantReader):
    tax_category: TaxCategory
    tax_rate: Amount
    taxable_amount: Amount
    tax_amount: Amount

    def vat(self) -> VatAmount:
        return VatAmount(self.tax_category.value, self.tax_rate, self.taxable_amount, self.tax_amount)


class CustomerIn(TolerantReader):
    email: Email


class InvoiceIssuedIn(TolerantReader):
    kind: Literal["InvoiceIssued"]
    invoice_id: Ref
    number: Ref
    customer: CustomerIn
    currency: Currency
    issue_date: date
    due_date: date
    tax_breakdown: list[TaxSubtotalIn] = []
    net_total: Amount
    tax_total: Amount
    gross_total: Amount

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostInvoiceIssued(
            source_event_id=event_id,
            currency=self.currency,
            invoice_id=self.invoice_id,
            number=self.number,
            customer_email=self.customer.email,
            issue_date=self.issue_date,
            due_date=self.due_date,
            net_total=self.net_total,
            tax_total=self.tax_total,
            gross_total=self.gross_total,
            tax_breakdown=tuple(group.vat() for group in self.tax_breakdown),
        )


class CreditNoteIssuedIn(TolerantReader):
    kind: Literal["CreditNoteIssued"]
    credit_note_id: Ref
    number: Ref
    invoice_id: Ref
    invoice_number: Ref | None = None
    customer_email: Email | None = None
    currency: Currency
    issue_date: date
    tax_breakdown: list[TaxSubtotalIn] = []
    net_total: Amount
    tax_total: Amount
    gross_total: Amount

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostCreditNoteIssued(
            source_event_id=event_id,
            currency=self.currency,
            credit_note_id=self.credit_note_id,
            number=self.number,
            invoice_id=self.invoice_id,
            invoice_number=self.invoice_number,
            customer_email=self.customer_email,
            issue_date=self.issue_date,
            net_total=self.net_total,
            tax_total=self.tax_total,
            gross_total=self.gross_total,
            tax_breakdown=tuple(group.vat() for group in self.tax_breakdown),
        )


class PaymentReceivedIn(TolerantReader):
    kind: Literal["PaymentReceived"]
    payment_id: Ref
    invoice_id: Ref | None = None
    customer_email: Email | None = None
    currency: Currency
    amount: Positive
    received_at: AwareDatetime

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPaymentReceived(
            source_event_id=event_id,
            currency=self.currency,
            payment_id=self.payment_id,
            amount=self.amount,
            received_at=self.received_at,
            invoice_id=self.invoice_id,
            customer_email=self.customer_email,
        )


class PrepaymentAppliedIn(TolerantReader):
    kind: Literal["PrepaymentApplied"]
    invoice_id: Ref
    invoice_number: Ref | None = None
    customer_email: Email | None = None
    currency: Currency
    amount: Positive
    applied_on: date

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPrepaymentApplied(
            source_event_id=event_id,
            currency=self.currency,
            invoice_id=self.invoice_id,
            invoice_number=self.invoice_number,
            customer_email=self.customer_email,
            amount=self.amount,
            applied_on=self.applied_on,
        )


class PaymentUnmatchedIn(TolerantReader):
    kind: Literal["PaymentUnmatched"]
    payment_id: Ref
    currency: Currency
    amount: Positive
    received_at: AwareDatetime

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPaymentUnmatched(
            source_event_id=event_id,
            currency=self.currency,
            payment_id=self.payment_id,
            amount=self.amount,
            received_at=self.received_at,
        )


class UnmatchedPaymentAppliedIn(TolerantReader):
    kind: Literal["UnmatchedPaymentApplied"]
    payment_id: Ref
    invoice_id: Ref
    invoice_number: Ref | None = None
    customer_email: Email | None = None
    currency: Currency
    amount: Positive
    applied_on: date

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostUnmatchedPaymentApplied(
            source_event_id=event_id,
            currency=self.currency,
            payment_id=self.payment_id,
            invoice_id=self.invoice_id,
            invoice_number=self.invoice_number,
            customer_email=self.customer_email,
            amount=self.amount,
            applied_on=self.applied_on,
        )


class RefundPaidIn(TolerantReader):
    kind: Literal["RefundPaid"]
    refund_id: Ref
    customer_email: Email | None = None
    currency: Currency
    amount: Positive
    source: RefundSource
    paid_on: date

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostRefundPaid(
            source_event_id=event_id,
            currency=self.currency,
            refund_id=self.refund_id,
            customer_email=self.customer_email,
            amount=self.amount,
            source=self.source,
            paid_on=self.paid_on,
        )


# What the ledger consumer's rule routes to it (template.yaml); RefundDue posts nothing and is not routed.
POSTED_EVENT_TYPES = (
    "InvoiceIssued",
    "CreditNoteIssued",
    "PaymentReceived",
    "PrepaymentApplied",
    "PaymentUnmatched",
    "UnmatchedPaymentApplied",
    "RefundPaid",
)


class BillingEvent(InboundEvent):
    """``detail`` of a billing event the ledger posts; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[
        InvoiceIssuedIn
        | CreditNoteIssuedIn
        | PaymentReceivedIn
        | PrepaymentAppliedIn
        | PaymentUnmatchedIn
        | UnmatchedPaymentAppliedIn
        | RefundPaidIn,
        Field(discriminator="kind"),
    ]

    def to_command(self) -> PostingCommand:
        return self.data.to_command(self.metadata.event_id)


# ---------------------------------------------------------------- payroll
# Payroll's run events carry balanced lines by account ROLE (docs/hr-payroll.md): the ledger reads the role,
# the debit and the credit of each line, maps the role to its account and posts them as they are. An
# unknown role is refused (the event goes to the DLQ): a role the ledger cannot place is a contract change
# to agree on, never to guess.


class PayrollLineIn(TolerantReader):
    role: PayrollRole
    debit: Positive = Decimal(0)
    credit: Positive = Decimal(0)

    def line(self) -> tuple[PayrollRole, Decimal, Decimal]:
        return (self.role, self.debit, self.credit)


Period = Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


class PayrollRunPostedIn(TolerantReader):
    kind: Literal["PayrollRunPosted"]
    run_id: Ref
    period: Period
    currency: Currency
    lines: list[PayrollLineIn]

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPayrollRunPosted(
            source_event_id=event_id,
            currency=self.currency,
            run_id=self.run_id,
            period=self.period,
            lines=tuple(line.line() for line in self.lines),
        )


class PayrollRunPaidIn(TolerantReader):
    kind: Literal["PayrollRunPaid"]
    run_id: Ref
    period: Period
    currency: Currency
    lines: list[PayrollLineIn]
    occurred_at: AwareDatetime

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPayrollRunPaid(
            source_event_id=event_id,
            currency=self.currency,
            run_id=self.run_id,
            period=self.period,
            lines=tuple(line.line() for line in self.lines),
            paid_at=self.occurred_at,
        )


class PayrollRunReversedIn(TolerantReader):
    kind: Literal["PayrollRunReversed"]
    run_id: Ref
    reverses_run_id: Ref
    period: Period
    currency: Currency
    lines: list[PayrollLineIn]

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPayrollRunReversed(
            source_event_id=event_id,
            currency=self.currency,
            run_id=self.run_id,
            reverses_run_id=self.reverses_run_id,
            period=self.period,
            lines=tuple(line.line() for line in self.lines),
        )


# What the ledger's payroll consumer's rule routes to it (template.yaml).
PAYROLL_POSTED_EVENT_TYPES = ("PayrollRunPosted", "PayrollRunPaid", "PayrollRunReversed")


class PayrollEvent(InboundEvent):
    """``detail`` of a payroll run event the ledger posts; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[PayrollRunPostedIn | PayrollRunPaidIn | PayrollRunReversedIn, Field(discriminator="kind")]

    def to_command(self) -> PostingCommand:
        return self.data.to_command(self.metadata.event_id)
