"""The events sales reacts to, read through sales' OWN tolerant models: only the fields it needs, unknown
ones ignored, so inventory and billing may add fields without breaking sales."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tandem.sales.domain.commands import ReceivedPayment, RecordPayment, UpdateCatalog
from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.shared.envelope import Envelope, EventMetadata, TolerantReader


class ProductChanged(TolerantReader):
    """inventory ProductCreated / ProductUpdated v1 (the fields sales prices with)."""

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    tax_category: str = Field(min_length=1, max_length=32)
    active: bool
    revision: int = Field(ge=0)

    def to_command(self) -> UpdateCatalog:
        return UpdateCatalog(
            sku=self.sku,
            name=self.name,
            unit_price=self.unit_price,
            currency=self.currency,
            tax_category=self.tax_category,
            active=self.active,
            revision=self.revision,
        )


class ProductChangedEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    data: ProductChanged


class PaymentReceivedData(TolerantReader):
    """billing PaymentReceived v1 (the fields sales needs)."""

    payment_id: str = Field(min_length=1, max_length=128)
    # A string, not a UUID: an order id sales never issued is "unknown_order", not a parse failure (DLQ).
    order_id: str | None = None
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)

    def to_command(self) -> RecordPayment:
        return RecordPayment(
            order_id=self.order_id,
            payment=ReceivedPayment(payment_id=self.payment_id, amount=self.amount, currency=self.currency),
        )


class PaymentReceivedEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    metadata: EventMetadata
    data: PaymentReceivedData


# Sales' own OrderCancelled or OrderRejected; the envelope's metadata picks the one that fits.
ClosedOrderEnvelope = Envelope[OrderCancelled] | Envelope[OrderRejected]
