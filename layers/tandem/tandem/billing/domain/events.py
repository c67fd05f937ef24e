"""Events the billing context publishes on the bus (source ``tandem.billing``), as in docs/order-to-cash.md.

Amounts are ``Decimal`` here and decimal strings on the wire; dates are ISO dates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tandem.shared.envelope import DomainEvent, Envelope


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CustomerData(_Part):
    email: str
    name: str
    billing_address: dict[str, str | None]
    vat_id: str | None = Field(default=None, description="The buyer's VAT number, if the order named one")


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
    supply_date: date | None = Field(default=None, description="The day the order was placed (date of supply)")
    payment_terms: str
    lines: list[DocumentLine]
    tax_breakdown: list[TaxSubtotalData]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    # Added in version 1 (optional, additive): the token ``sub`` of the customer owning the order, from
    # OrderPlaced; absent when staff placed the order.
    customer_sub: str | None = None


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


class PrepaymentApplied(DomainEvent):
    """An invoice issued for an order took the payments the order received before it (card flow):
    ``amount`` is all of them (what exceeds the invoice stays as the customer's credit on it)."""

    context = "billing"
    event_type = "PrepaymentApplied"
    version = 1

    invoice_id: UUID
    invoice_number: str
    order_id: str
    customer_email: str
    amount: Decimal
    currency: str
    payment_ids: list[UUID]
    applied_on: date


class PaymentUnmatched(DomainEvent):
    """Money arrived that names no known order or invoice (or an amount billing will not apply without a
    review): it is held, unmatched, until finance applies it to an invoice or refunds it. The provider got 200."""

    context = "billing"
    event_type = "PaymentUnmatched"
    version = 1

    payment_id: UUID
    provider_event_id: str
    amount: Decimal
    currency: str
    reference: str | None = None  # the order or invoice id the provider named, if any
    received_at: AwareDatetime


class UnmatchedPaymentApplied(DomainEvent):
    """Finance applied a held unmatched payment to an invoice."""

    context = "billing"
    event_type = "UnmatchedPaymentApplied"
    version = 1

    payment_id: UUID
    invoice_id: UUID
    invoice_number: str
    customer_email: str
    amount: Decimal
    currency: str
    applied_on: date


RefundReasonName = Literal[
    "order_rejected", "order_cancelled", "invoice_credited", "overpaid", "duplicate_payment", "unmatched_payment"
]
RefundSourceName = Literal["order_prepayment", "invoice_credit", "unmatched_payment"]
# Events whose wire name collides with a DomainEvent attribute keep it as an alias, in and out.
_BY_ALIAS = ConfigDict(
    frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
)


class RefundDue(DomainEvent):
    """Money received is owed back to the customer (once per cause). ``source`` says where the money sits
    until it is paid out: an order's prepayment, an invoice's credit balance, or a held unmatched payment."""

    model_config = _BY_ALIAS
    context = "billing"
    event_type = "RefundDue"
    version = 1

    refund_id: UUID
    customer_email: str | None = None
    amount: Decimal
    currency: str
    reason: RefundReasonName
    refund_source: RefundSourceName = Field(alias="source")  # "source" on the wire (DomainEvent.source() is taken)
    order_id: str | None = None
    invoice_id: UUID | None = None
    invoice_number: str | None = None
    payment_ids: list[UUID]
    due_on: date


class RefundPaid(DomainEvent):
    """Finance paid a refund out (``reference``: the payout's reference, e.g. the provider's refund id)."""

    model_config = _BY_ALIAS
    context = "billing"
    event_type = "RefundPaid"
    version = 1

    refund_id: UUID
    customer_email: str | None = None
    amount: Decimal
    currency: str
    refund_source: RefundSourceName = Field(alias="source")  # "source" on the wire (DomainEvent.source() is taken)
    paid_on: date
    reference: str | None = None


InvoiceIssuedEnvelope = Envelope[InvoiceIssued]
CreditNoteIssuedEnvelope = Envelope[CreditNoteIssued]
PaymentReceivedEnvelope = Envelope[PaymentReceived]
InvoicePaidEnvelope = Envelope[InvoicePaid]
PrepaymentAppliedEnvelope = Envelope[PrepaymentApplied]
PaymentUnmatchedEnvelope = Envelope[PaymentUnmatched]
UnmatchedPaymentAppliedEnvelope = Envelope[UnmatchedPaymentApplied]
RefundDueEnvelope = Envelope[RefundDue]
RefundPaidEnvelope = Envelope[RefundPaid]
