"""What billing reads from others: the saga's task inputs, the provider's webhook body, and the sales
context's OrderCancelled (our own tolerant reader: unknown fields are ignored, only what we use is typed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tandem.billing.domain.commands import Customer, IssueInvoice, OrderLine
from tandem.billing.payments import PaymentNotice
from tandem.shared.envelope import EventMetadata
from tandem.shared.pricing import TaxRounding

Text = Annotated[str, Field(min_length=1, max_length=200)]


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AddressIn(_Tolerant):
    line1: Text
    line2: Annotated[str, Field(max_length=200)] | None = None
    city: Text
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    country: Annotated[str, Field(min_length=2, max_length=2)]


class CustomerIn(_Tolerant):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    name: Text
    billing_address: AddressIn


class OrderLineIn(_Tolerant):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    name: Text
    quantity: Annotated[int, Field(ge=1)]
    unit_price: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    tax_category: Annotated[str, Field(min_length=1, max_length=32)]
    tax_rate: Annotated[Decimal, Field(ge=0, lt=1, allow_inf_nan=False)]


class OrderIn(_Tolerant):
    """The order as the saga's ``begin`` step returns it."""

    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    customer: CustomerIn
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=90)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    payment_method: Literal["card", "invoice"]
    tax_rounding: TaxRounding = TaxRounding.LINE

    def to_command(self) -> IssueInvoice:
        customer = Customer(self.customer.email, self.customer.name, self.customer.billing_address.model_dump())
        lines = tuple(OrderLine(line.sku, line.name, line.quantity, line.unit_price, line.tax_category,
                                line.tax_rate) for line in self.lines)
        return IssueInvoice(order_id=self.order_id, customer=customer, lines=lines, currency=self.currency,
                            payment_terms=self.payment_method, tax_rounding=self.tax_rounding)


class IssueInvoiceTask(_Tolerant):
    action: Literal["issue_invoice"]
    order: OrderIn


class InvoiceRefIn(_Tolerant):
    invoice_id: str


class SendConfirmationTask(_Tolerant):
    action: Literal["send_confirmation"]
    invoice: InvoiceRefIn
    order: dict[str, Any] | None = None


class CreditOrderTask(_Tolerant):
    action: Literal["credit_order"]
    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(min_length=1, max_length=500)] = "order cancelled"


class PaymentWebhook(_Tolerant):
    """The provider's event. Only ``payment.succeeded`` is acted on; other types are acknowledged."""

    id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    order_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    invoice_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    amount: Annotated[Decimal, Field(allow_inf_nan=False, max_digits=14, decimal_places=2)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None

    @model_validator(mode="after")
    def _payment_fields(self) -> PaymentWebhook:
        if self.type == "payment.succeeded":
            if (self.order_id is None) == (self.invoice_id is None):
                raise ValueError("a payment names exactly one of order_id and invoice_id")
            if self.amount is None or self.currency is None:
                raise ValueError("a payment needs amount and currency")
        return self

    def to_notice(self) -> PaymentNotice:
        return PaymentNotice(provider_event_id=self.id, amount=self.amount or Decimal(0),
                             currency=self.currency or "", invoice_id=self.invoice_id, order_id=self.order_id)


class OrderCancelledData(_Tolerant):
    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    customer_email: Annotated[str, Field(max_length=254)] | None = None
    reason: str | None = None


class OrderCancelledNotice(_Tolerant):
    """``detail`` of tandem.sales OrderCancelled v1, as far as billing cares."""

    metadata: EventMetadata
    data: OrderCancelledData
