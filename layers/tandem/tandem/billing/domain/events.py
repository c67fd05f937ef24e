"""Events the billing context publishes on the bus (source ``tandem.billing``), as in docs/order-to-cash.md.

Amounts are ``Decimal`` here and decimal strings on the wire; dates are ISO dates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict

from tandem.shared.envelope import DomainEvent, Envelope


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CustomerData(_Part):
    email: str
    name: str
    billing_address: dict[str, str | None]


class DocumentLine(_Part):
    line_number: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal
    net: Decimal


class TaxSubtotalData(_Part):
    tax_category: str
    tax_rate: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal


class InvoiceIssued(DomainEvent):
    """An invoice was issued with its gapless number; its lines and totals never change."""

    context = "billing"
    event_type = "InvoiceIssued"
    version = 1

    invoice_id: UUID
    number: str
    order_id: str | None = None
    customer: CustomerData
    currency: str
    issue_date: date
    due_date: date
    payment_terms: str
    lines: list[DocumentLine]
    tax_breakdown: list[TaxSubtotalData]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


class CreditNoteIssued(DomainEvent):
    """A credit note corrected (part of) an invoice; amounts are positive and reduce the invoice."""

    context = "billing"
    event_type = "CreditNoteIssued"
    version = 1

    credit_note_id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    order_id: str | None = None
    customer_email: str
    currency: str
    reason: str
    issue_date: date
    lines: list[DocumentLine]
    tax_breakdown: list[TaxSubtotalData]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


class PaymentReceived(DomainEvent):
    """Money arrived from the payment provider.

    ``applied_amount`` went to the invoice; ``unapplied_amount`` did not (yet): an overpayment kept on
    the invoice as credit, or, for an order not invoiced yet, the whole amount (applied 0), which the
    invoice applies at issue (see InvoicePaid / the invoice's ``amount_paid`` and ``overpaid_amount``).
    """

    context = "billing"
    event_type = "PaymentReceived"
    version = 1

    payment_id: UUID
    provider_event_id: str
    order_id: str | None = None
    invoice_id: UUID | None = None
    customer_email: str | None = None
    amount: Decimal
    currency: str
    applied_amount: Decimal
    unapplied_amount: Decimal
    received_at: AwareDatetime


class InvoicePaid(DomainEvent):
    """The invoice's amount due reached zero through payments."""

    context = "billing"
    event_type = "InvoicePaid"
    version = 1

    invoice_id: UUID
    number: str
    order_id: str | None = None
    customer_email: str
    amount_paid: Decimal | None = None  # what payments paid of it (payments applied at issue included)
    overpaid_amount: Decimal | None = None  # paid beyond the amount due, kept as credit


class PaymentRefundDue(DomainEvent):
    """An order was cancelled before it was invoiced, but payments for it had arrived: they are owed
    back to the customer (someone or something refunds them through the provider)."""

    context = "billing"
    event_type = "PaymentRefundDue"
    version = 1

    order_id: str
    payment_ids: list[UUID]
    amount: Decimal
    currency: str
    customer_email: str | None = None


InvoiceIssuedEnvelope = Envelope[InvoiceIssued]
CreditNoteIssuedEnvelope = Envelope[CreditNoteIssued]
PaymentReceivedEnvelope = Envelope[PaymentReceived]
InvoicePaidEnvelope = Envelope[InvoicePaid]
PaymentRefundDueEnvelope = Envelope[PaymentRefundDue]
