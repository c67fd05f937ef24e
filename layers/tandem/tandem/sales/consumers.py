"""What sales does with events: its catalog read model, and telling customers why an order closed.

Events from other contexts are read through sales' OWN tolerant models (only the fields it needs,
unknown ones ignored), so inventory and billing may add fields without breaking sales.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.sales.domain.model import Order, Product
from tandem.sales.domain.notices import ClosureNotice
from tandem.sales.fulfillment import ORDER_CANCELLED_ERROR, Tasks
from tandem.shared.clock import utcnow
from tandem.shared.envelope import Envelope, EventMetadata


class ProductChanged(BaseModel):
    """inventory ProductCreated / ProductUpdated v1 (the fields sales prices with)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    tax_category: str = Field(min_length=1, max_length=32)
    active: bool
    revision: int = Field(ge=0)


class ProductChangedEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    data: ProductChanged


class PaymentReceivedData(BaseModel):
    """billing PaymentReceived v1 (the fields sales needs)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    payment_id: str = Field(min_length=1, max_length=128)
    # A string, not a UUID: an order id sales never issued is "unknown_order", not a parse failure (DLQ).
    order_id: str | None = None
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)


class PaymentReceivedEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    metadata: EventMetadata
    data: PaymentReceivedData


class Catalog(Protocol):
    def save_if_newer(self, product: Product, *, now: datetime) -> bool: ...


class OrderGetter(Protocol):
    def get(self, order_id: UUID) -> Order | None: ...


class Mailer(Protocol):
    def send(self, message: ClosureNotice) -> str: ...


def product_changed(data: ProductChanged, catalog: Catalog, *, now: Any = utcnow) -> bool:
    """Keep the newest revision of the product; True if this event was the newest so far."""
    product = Product(sku=data.sku, name=data.name, unit_price=data.unit_price, currency=data.currency,
                      tax_category=data.tax_category, active=data.active, revision=data.revision)
    return catalog.save_if_newer(product, now=now())


# OrderCancelled or OrderRejected (sales' own events); the envelope's metadata picks the one that fits.
ClosedOrderEnvelope = Envelope[OrderCancelled] | Envelope[OrderRejected]


def order_closed(event: OrderCancelled | OrderRejected, orders: OrderGetter, mailer: Mailer, tasks: Tasks
                 ) -> dict[str, Any]:
    """Fail a saga still waiting on a cancelled order's card payment, then tell the customer why."""
    order = orders.get(event.order_id)
    failed = False
    if isinstance(event, OrderCancelled) and order is not None and order.task_token:
        failed = tasks.fail(order.task_token, ORDER_CANCELLED_ERROR,
                            f'{{"order_id": "{order.id}", "reason": "cancelled"}}')
    message_id = mailer.send(ClosureNotice.for_event(event, order))
    return {"order_id": str(event.order_id), "message_id": message_id, "task_failed": failed}
