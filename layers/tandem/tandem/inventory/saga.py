"""The order saga's inventory tasks: ``{"action": "reserve"|"release", "order_id": ..., ...}``.

Errors propagate with their class name as Lambda's ``errorType``, which the state machine's
``Catch``/``Retry`` match: ``InsufficientStock`` (Cause: ``{"shortages": [...]}``), ``InvalidStockRequest``
for a malformed task, and the transient ``TransactionConflict`` / ``StaleState`` / ``PersistenceError``
after the service's own short retries. The inputs are tolerant readers: fields the saga adds are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import Field

from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import ReleaseStock, ReserveStock
from tandem.inventory.domain.errors import InvalidStockRequest
from tandem.inventory.service import InventoryService
from tandem.shared.correlation import MessageContext, from_saga
from tandem.shared.envelope import TolerantReader
from tandem.shared.saga import SagaAction, SagaActions

OrderId = Annotated[str, Field(min_length=1, max_length=rules.ORDER_ID_MAX)]


class Line(TolerantReader):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]


class StockTask(TolerantReader):
    """What every inventory task carries: the order and the saga's correlation."""

    action: str
    order_id: OrderId
    correlation_id: Annotated[str | None, Field(max_length=128)] = None
    execution_id: Annotated[str | None, Field(max_length=2048)] = None

    def context(self) -> MessageContext:
        """The saga's correlation id if it passes one, else the order's; caused by the execution."""
        correlation_id = self.correlation_id or f"order:{self.order_id}"
        return from_saga(correlation_id, self.execution_id, correlation_id)


class ReserveTask(StockTask):
    lines: Annotated[list[Line], Field(min_length=1, max_length=100)]

    def to_command(self) -> ReserveStock:
        return ReserveStock(
            order_id=self.order_id, lines=tuple((rules.normalize_sku(line.sku), line.quantity) for line in self.lines)
        )


class ReleaseTask(StockTask):
    # Compensation must not fail over its wording: any reason is accepted, trimmed to fit.
    reason: str | None = None

    def to_command(self) -> ReleaseStock:
        return ReleaseStock(order_id=self.order_id, reason=(self.reason or "released")[: rules.REASON_MAX])


def _ignore(_: object) -> None:
    return None


def actions(
    service: InventoryService,
    *,
    started: Callable[[StockTask], object] = _ignore,
    count: Callable[[str], object] = _ignore,
) -> SagaActions:
    """The task actions on ``service``. ``started(task)`` hears of each valid task before it runs (to log
    its correlation), ``count(name)`` of each stock movement (``StockReserved``, ``StockReleased``)."""

    def reserve(task: ReserveTask) -> dict[str, Any]:
        started(task)
        reservation = service.reserve(task.to_command(), task.context())
        count("StockReserved")
        return {
            "order_id": reservation.order_id,
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in reservation.lines],
        }

    def release(task: ReleaseTask) -> dict[str, Any]:
        started(task)
        released = service.release(task.to_command(), task.context())
        if released:
            count("StockReleased")
        return {"order_id": task.order_id, "released": released}

    return SagaActions(
        {"reserve": SagaAction(ReserveTask, reserve), "release": SagaAction(ReleaseTask, release)},
        invalid_input=InvalidStockRequest,
    )


def dispatch(
    event: object,
    service: InventoryService,
    *,
    started: Callable[[StockTask], object] = _ignore,
    count: Callable[[str], object] = _ignore,
) -> dict[str, Any]:
    """Run the task ``event`` names (``actions``); an event that is not even an object is invalid input too."""
    if not isinstance(event, Mapping):
        raise InvalidStockRequest(details=[{"field": "input", "message": "Input should be an object"}])
    return actions(service, started=started, count=count).dispatch(event)
