"""Events the sales context publishes (source ``tandem.sales``), exactly as docs/order-to-cash.md.

Money and tax rates are decimal strings on the wire; ``Decimal`` fields serialise that way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tandem.shared.envelope import DomainEvent, Envelope


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class BillingAddressData(_Part):
    line1: str
    line2: str | None = None
    city: str
    postal_code: str
    country: str = Field(min_length=2, max_length=2)


class CustomerData(_Part):
    email: str
    name: str
    billing_address: BillingAddressData
    vat_id: str | None = Field(default=None, description="The buyer's EU VAT number, if they gave one")


class OrderLineData(_Part):
    """An "order line": what was sold, at the price and tax rate fixed when the order was placed."""

    sku: str
    name: str
    quantity: int = Field(ge=1)
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal = Field(description="A fraction: 0.20 for 20 %")


class QuantityData(_Part):
    sku: str
    quantity: int = Field(ge=1)


class ShortageData(_Part):
    sku: str
    requested: int
    available: int


class OrderPlaced(DomainEvent):
    """An order was accepted for fulfillment; its prices and tax are fixed from now on."""

    context = "sales"
    event_type = "OrderPlaced"
    version = 1

    order_id: UUID
    customer: CustomerData
    lines: list[OrderLineData]
    currency: str
    payment_method: Literal["card", "invoice"]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    tax_rounding: Literal["line", "total"]
    placed_at: AwareDatetime
    # Added in version 1 (optional, additive): the token ``sub`` of the customer who placed the order and owns
    # it; absent when staff placed it for someone. Billing and CRM record it; email is never a key for access.
    customer_sub: str | None = None


class OrderRejected(DomainEvent):
    """The order could not be fulfilled (stock was short); nothing was reserved or invoiced. ``payment_id`` /
    ``paid_amount``: a payment recorded on the order, to be refunded (absent when none was)."""

    context = "sales"
    event_type = "OrderRejected"
    version = 1

    order_id: UUID
    customer_email: str
    reason: str
    shortages: list[ShortageData] = Field(default_factory=list)
    payment_id: str | None = None
    paid_amount: Decimal | None = None


class OrderConfirmed(DomainEvent):
    """Stock is reserved, the invoice issued (and a card payment received)."""

    context = "sales"
    event_type = "OrderConfirmed"
    version = 1

    order_id: UUID
    customer_email: str
    invoice_id: str
    invoice_number: str


class OrderCancelled(DomainEvent):
    """The order was cancelled; ``was_confirmed`` tells billing whether an invoice must be credited;
    ``payment_id`` / ``paid_amount`` name a payment recorded on the order (absent when none was)."""

    context = "sales"
    event_type = "OrderCancelled"
    version = 1

    order_id: UUID
    customer_email: str
    reason: str
    was_confirmed: bool
    invoice_id: str | None = None
    payment_id: str | None = None
    paid_amount: Decimal | None = None


class OrderShipped(DomainEvent):
    """The goods left the warehouse."""

    context = "sales"
    event_type = "OrderShipped"
    version = 1

    order_id: UUID
    customer_email: str
    lines: list[QuantityData]


OrderPlacedEnvelope = Envelope[OrderPlaced]
OrderRejectedEnvelope = Envelope[OrderRejected]
OrderConfirmedEnvelope = Envelope[OrderConfirmed]
OrderCancelledEnvelope = Envelope[OrderCancelled]
OrderShippedEnvelope = Envelope[OrderShipped]
