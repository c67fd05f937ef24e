"""What the inventory functions are handed: the saga's task inputs and other contexts' events.

Tolerant readers: only the fields inventory needs, unknown fields ignored, so other contexts can add
fields freely. The sales events are read with inventory's OWN small models (contexts are decoupled);
they deliberately do not subclass ``DomainEvent``, whose registry holds only events we publish.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import ReleaseStock, ReserveStock, ShipOrder
from tandem.inventory.domain.errors import InvalidStockRequest
from tandem.shared.correlation import MessageContext, from_saga
from tandem.shared.envelope import EventMetadata, TolerantReader

OrderId = Annotated[str, Field(min_length=1, max_length=rules.ORDER_ID_MAX)]


class Line(TolerantReader):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]


class _Task(TolerantReader):
    order_id: OrderId
    correlation_id: Annotated[str | None, Field(max_length=128)] = None
    execution_id: Annotated[str | None, Field(max_length=2048)] = None

    def context(self) -> MessageContext:
        """The saga's correlation id if it passes one, else the order's; caused by the execution."""
        correlation_id = self.correlation_id or f"order:{self.order_id}"
        return from_saga(correlation_id, self.execution_id, correlation_id)


class ReserveTask(_Task):
    action: Literal["reserve"]
    lines: Annotated[list[Line], Field(min_length=1, max_length=100)]

    def to_command(self) -> ReserveStock:
        return ReserveStock(order_id=self.order_id,
                            lines=tuple((rules.normalize_sku(line.sku), line.quantity) for line in self.lines))


class ReleaseTask(_Task):
    action: Literal["release"]
    # Compensation must not fail over its wording: any reason is accepted, trimmed to fit.
    reason: str | None = None

    def to_command(self) -> ReleaseStock:
        return ReleaseStock(order_id=self.order_id, reason=(self.reason or "released")[:rules.REASON_MAX])


_TASKS: TypeAdapter[ReserveTask | ReleaseTask] = TypeAdapter(
    Annotated[ReserveTask | ReleaseTask, Field(discriminator="action")])


def parse_task(payload: Any) -> ReserveTask | ReleaseTask:
    """The task, or ``InvalidStockRequest`` naming every bad field (the saga sees that error name)."""
    try:
        return _TASKS.validate_python(payload)
    except ValidationError as exc:
        details = [{"field": ".".join(str(p) for p in e["loc"]) or "input", "message": e["msg"]}
                   for e in exc.errors(include_input=False)]
        raise InvalidStockRequest(details=details) from None


class OrderShippedData(TolerantReader):
    order_id: OrderId
    lines: list[Line] = Field(default_factory=list, description="Informational: the reservation is shipped")

    def to_command(self) -> ShipOrder:
        return ShipOrder(order_id=self.order_id)


class OrderCancelledData(TolerantReader):
    order_id: OrderId
    reason: str | None = None

    def to_command(self) -> ReleaseStock:
        return ReleaseStock(order_id=self.order_id, reason=(self.reason or "order_cancelled")[:rules.REASON_MAX])


class OrderShipped(TolerantReader):
    metadata: EventMetadata
    data: OrderShippedData


class OrderCancelled(TolerantReader):
    metadata: EventMetadata
    data: OrderCancelledData


ORDER_EVENTS: dict[str, type[OrderShipped | OrderCancelled]] = {
    "OrderShipped": OrderShipped, "OrderCancelled": OrderCancelled,
}
