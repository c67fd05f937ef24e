"""Posting commands as billing's events would make them, with sensible defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from tandem.ledger.domain.commands import (
    PostCreditNoteIssued,
    PostInvoiceIssued,
    PostPaymentReceived,
    PostPaymentUnmatched,
    PostPrepaymentApplied,
    PostRefundPaid,
    PostUnmatchedPaymentApplied,
)
from tandem.ledger.domain.model import VatAmount
from tandem.ledger.domain.rules import RefundSource

D = Decimal
DAY = date(2026, 11, 27)


def vat(taxable: str, tax: str, rate: str = "0.20", category: str = "standard") -> VatAmount:
    return VatAmount(category, D(rate), D(taxable), D(tax))


def invoice(
    gross="36.00",
    net="30.00",
    tax="6.00",
    *,
    currency="EUR",
    event_id=None,
    invoice_id=None,
    email="ada@example.com",
    issued=DAY,
    terms_days=14,
    breakdown=None,
    number=None,
) -> PostInvoiceIssued:
    invoice_id = invoice_id or str(uuid4())
    return PostInvoiceIssued(
        source_event_id=event_id or uuid4(),
        currency=currency,
        invoice_id=invoice_id,
        number=number or f"INV-{issued.year}-{invoice_id[:6]}",
        customer_email=email,
        issue_date=issued,
        due_date=issued + timedelta(days=terms_days),
        net_total=D(net),
        tax_total=D(tax),
        gross_total=D(gross),
        tax_breakdown=tuple(breakdown) if breakdown is not None else ((vat(net, tax),) if D(tax) else ()),
    )


def credit_note(of: PostInvoiceIssued, gross="12.00", net="10.00", tax="2.00", *, issued=None, breakdown=None):
    return PostCreditNoteIssued(
        source_event_id=uuid4(),
        currency=of.currency,
        credit_note_id=str(uuid4()),
        number=f"CN-{(issued or of.issue_date).year}-{str(uuid4())[:6]}",
        invoice_id=of.invoice_id,
        invoice_number=of.number,
        customer_email=of.customer_email,
        issue_date=issued or of.issue_date,
        net_total=D(net),
        tax_total=D(tax),
        gross_total=D(gross),
        tax_breakdown=tuple(breakdown) if breakdown is not None else ((vat(net, tax),) if D(tax) else ()),
    )


def payment(amount="24.00", *, of: PostInvoiceIssued | None = None, received_at=None, email=None, currency="EUR"):
    return PostPaymentReceived(
        source_event_id=uuid4(),
        currency=currency,
        payment_id=str(uuid4()),
        amount=D(amount),
        received_at=received_at or datetime(2026, 11, 29, 8, 15, tzinfo=UTC),
        invoice_id=of.invoice_id if of else None,
        customer_email=(of.customer_email if of else email),
    )


def prepayment_applied(of: PostInvoiceIssued, amount: str, applied_on=None) -> PostPrepaymentApplied:
    return PostPrepaymentApplied(
        source_event_id=uuid4(),
        currency=of.currency,
        invoice_id=of.invoice_id,
        invoice_number=of.number,
        customer_email=of.customer_email,
        amount=D(amount),
        applied_on=applied_on or of.issue_date,
    )


def unmatched(amount: str, received_at=None) -> PostPaymentUnmatched:
    return PostPaymentUnmatched(
        source_event_id=uuid4(),
        currency="EUR",
        payment_id=str(uuid4()),
        amount=D(amount),
        received_at=received_at or datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
    )


def unmatched_applied(held: PostPaymentUnmatched, to: PostInvoiceIssued, amount: str | None = None):
    return PostUnmatchedPaymentApplied(
        source_event_id=uuid4(),
        currency="EUR",
        payment_id=held.payment_id,
        invoice_id=to.invoice_id,
        invoice_number=to.number,
        customer_email=to.customer_email,
        amount=D(amount) if amount else held.amount,
        applied_on=date(2026, 11, 30),
    )


def refund_paid(amount: str, source: RefundSource, email="ada@example.com", paid_on=date(2026, 12, 2)):
    return PostRefundPaid(
        source_event_id=uuid4(),
        currency="EUR",
        refund_id=str(uuid4()),
        customer_email=email,
        amount=D(amount),
        source=source,
        paid_on=paid_on,
    )
