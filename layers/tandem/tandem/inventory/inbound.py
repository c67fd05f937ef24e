"""Inventory's own readers of the sales events that move stock: ``OrderShipped`` and ``OrderCancelled``.

Tolerant readers: only the fields inventory needs, unknown fields ignored, so sales can add fields
freely. They are inventory's OWN small models (contexts are decoupled) and deliberately not
``DomainEvent``s, whose registry holds only events we publish.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import ReleaseStock, ShipOrder
from tandem.shared.envelope import InboundEvent, TolerantReader

OrderId = Annotated[str, Field(min_length=1, max_length=rules.ORDER_ID_MAX)]


class LineIn(TolerantReader):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]


class OrderShippedIn(TolerantReader):
    kind: Literal["OrderShipped"]
    order_id: OrderId
    lines: list[LineIn] = Field(default_factory=list, description="Informational: the reservation is shipped")

    def to_command(self) -> ShipOrder:
        return ShipOrder(order_id=self.order_id)


class OrderCancelledIn(TolerantReader):
    kind: Literal["OrderCancelled"]
    order_id: OrderId
    reason: str | None = None

    def to_command(self) -> ReleaseStock:
        return ReleaseStock(order_id=self.order_id, reason=(self.reason or "order_cancelled")[: rules.REASON_MAX])


class OrderEvent(InboundEvent):
    """``detail`` of a sales event that moves stock; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[OrderShippedIn | OrderCancelledIn, Field(discriminator="kind")]

    def to_command(self) -> ShipOrder | ReleaseStock:
        return self.data.to_command()
