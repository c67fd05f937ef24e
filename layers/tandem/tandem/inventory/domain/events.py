"""Events the inventory context publishes (source ``tandem.inventory``), as in docs/order-to-cash.md."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tandem.shared.envelope import DomainEvent


class StockLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    sku: str = Field(min_length=1, max_length=32)
    quantity: int = Field(ge=1)


class _InventoryEvent(DomainEvent):
    context = "inventory"


class _ProductSnapshot(_InventoryEvent):
    sku: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(gt=0, description='Decimal string, e.g. "19.99"')
    currency: str = Field(min_length=3, max_length=3)
    tax_category: str
    active: bool
    revision: int = Field(ge=1, description="+1 per change: a read model keeps the highest")


class ProductCreated(_ProductSnapshot):
    """A product was added to the catalog (full snapshot)."""

    event_type = "ProductCreated"
    version = 1


class ProductUpdated(_ProductSnapshot):
    """A product changed (full snapshot after the change)."""

    event_type = "ProductUpdated"
    version = 1


class StockReceived(_InventoryEvent):
    """Goods arrived (manually booked or a purchase order received)."""

    event_type = "StockReceived"
    version = 1

    sku: str
    quantity: int = Field(ge=1)
    on_hand: int = Field(ge=0)
    available: int = Field(ge=0)
    purchase_order_id: str | None = None


class StockAdjusted(_InventoryEvent):
    """A stock count correction (damage, loss, found goods)."""

    event_type = "StockAdjusted"
    version = 1

    sku: str
    delta: int
    reason: str
    on_hand: int = Field(ge=0)
    available: int = Field(ge=0)


class StockCounted(_InventoryEvent):
    """A physical count set a product's on hand to what was found (``delta`` = counted - on hand before)."""

    event_type = "StockCounted"
    version = 1

    sku: str
    counted: int = Field(ge=0)
    delta: int
    reason: str | None = None
    on_hand: int = Field(ge=0)
    reserved: int = Field(ge=0)
    available: int = Field(ge=0)
    at_risk: int = Field(ge=0, description="Reserved units no stock stands behind: reserved - on_hand, or 0")


class StockShortfallDetected(_InventoryEvent):
    """A count found fewer units than are reserved: ``at_risk`` reserved units cannot ship until stock
    arrives (published with the StockCounted of that count, so it can be alarmed on or acted upon)."""

    event_type = "StockShortfallDetected"
    version = 1

    sku: str
    counted: int = Field(ge=0)
    reserved: int = Field(ge=1)
    at_risk: int = Field(ge=1)


class StockReserved(_InventoryEvent):
    """Stock was set aside for an order (all its lines, or none)."""

    event_type = "StockReserved"
    version = 1

    order_id: str
    lines: list[StockLine]


class StockReleased(_InventoryEvent):
    """An order's reservation was given back (cancelled, rejected, payment timeout)."""

    event_type = "StockReleased"
    version = 1

    order_id: str
    lines: list[StockLine]
    reason: str


class StockShipped(_InventoryEvent):
    """An order's reserved stock left the warehouse."""

    event_type = "StockShipped"
    version = 1

    order_id: str
    lines: list[StockLine]


class PurchaseOrderDrafted(_InventoryEvent):
    """Stock fell to the reorder point: a purchase order was drafted for the reorder quantity."""

    event_type = "PurchaseOrderDrafted"
    version = 1

    purchase_order_id: str
    sku: str
    quantity: int = Field(ge=1)


class PurchaseOrderReceived(_InventoryEvent):
    """A purchase order's goods arrived and were booked into stock."""

    event_type = "PurchaseOrderReceived"
    version = 1

    purchase_order_id: str
    sku: str
    quantity: int = Field(ge=1)
