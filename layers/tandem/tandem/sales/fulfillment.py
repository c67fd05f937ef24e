"""The sales side of the OrderFulfillment saga and of the events sales reacts to.

Saga actions (``{"action": ...}`` from Step Functions, docs/order-to-cash.md) are idempotent: called
twice with the same input they change nothing the second time and return the same result. Waiting for
a card payment meets the payment in either order: whichever of ``await_payment`` (stores the task
token) and ``PaymentReceived`` (stores the payment) writes second sees the other's write (both write
under the order's version) and completes the task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tandem.sales.domain import placement
from tandem.sales.domain.commands import ReceivedPayment, Shortage
from tandem.sales.domain.errors import OrderNotFound
from tandem.sales.domain.model import Order, OrderStatus
from tandem.sales.service import OrderReader, SalesUnitOfWork, change_order
from tandem.shared.correlation import MessageContext, from_saga
from tandem.shared.errors import BadRequest

ORDER_CANCELLED_ERROR = "OrderCancelled"  # what a cancelled order's waiting task fails with


class Tasks(Protocol):
    def succeed(self, token: str, output: dict[str, Any]) -> bool: ...
    def fail(self, token: str, error: str, cause: str) -> bool: ...


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    order_id: UUID
    # From ``begin``'s result and ``$$.Execution.Id``: the correlation / causation of recorded events.
    correlation_id: str | None = Field(default=None, max_length=128)
    execution_id: str | None = Field(default=None, max_length=2048)

    def context(self, order: Order, action: str) -> MessageContext:
        """The saga's correlation id (else the one stored on the order), caused by the execution."""
        return from_saga(self.correlation_id or order.correlation_id or str(order.id), self.execution_id, action)


class BeginInput(_Input):
    execution_id: str = Field(min_length=1, max_length=2048)  # required here: it claims the order


class ShortageInput(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    sku: str
    requested: int
    available: int


class RejectInput(_Input):
    shortages: list[ShortageInput] = Field(default_factory=list)


class AwaitPaymentInput(_Input):
    task_token: str = Field(min_length=1, max_length=8192)


class ConfirmInput(_Input):
    invoice_id: str = Field(min_length=1, max_length=128)
    invoice_number: str = Field(min_length=1, max_length=64)


class CancelInput(_Input):
    reason: str = Field(min_length=1, max_length=500)


def payment_output(order: Order) -> dict[str, str]:
    assert order.payment is not None
    return {"payment_id": order.payment.payment_id, "amount": str(order.payment.amount),
            "currency": order.payment.currency}


def order_document(order: Order, *, payment_timeout_seconds: int) -> dict[str, Any]:
    """What ``begin`` returns: the order as the saga's next steps (and billing's invoice) need it."""
    return {"order_id": str(order.id), "status": order.status.value,
            "correlation_id": order.correlation_id or str(order.id), "customer": placement.customer_data(order),
            "lines": [{**line, "unit_price": str(line["unit_price"]), "tax_rate": str(line["tax_rate"])}
                      for line in placement.order_lines_data(order)],
            "currency": order.currency, "payment_method": order.payment_method.value,
            "net_total": str(order.net_total), "tax_total": str(order.tax_total),
            "gross_total": str(order.gross_total), "tax_rounding": order.tax_rounding,
            "payment_timeout_seconds": int(payment_timeout_seconds)}


_INPUTS: dict[str, type[_Input]] = {"begin": BeginInput, "reject": RejectInput, "await_payment": AwaitPaymentInput,
                                    "confirm": ConfirmInput, "cancel": CancelInput}


def run_action(event: Mapping[str, Any], reader: OrderReader, uow: SalesUnitOfWork, tasks: Tasks, *,
               payment_timeout_seconds: int) -> dict[str, Any]:
    """Dispatch one saga action; an unknown action is a ``BadRequest``, malformed input a pydantic
    ``ValidationError`` (either is a bug in the ASL: neither is retried)."""
    action = str(event.get("action"))
    if action not in _INPUTS:
        raise BadRequest(f"Unknown action {action[:40]!r}")
    given = _INPUTS[action].model_validate(event)

    def change(decide: Any) -> Order:
        return change_order(given.order_id, decide, reader, uow, lambda order: given.context(order, action))

    if isinstance(given, BeginInput):
        order = change(lambda o: o.claim_saga(given.execution_id))
        return order_document(order, payment_timeout_seconds=payment_timeout_seconds)
    if isinstance(given, RejectInput):
        shortages = [Shortage(s.sku, s.requested, s.available) for s in given.shortages]
        order = change(lambda o: o.reject(shortages))
    elif isinstance(given, AwaitPaymentInput):
        order = change(lambda o: o.await_payment(given.task_token))
        _settle_wait(order, given.task_token, tasks)
    elif isinstance(given, ConfirmInput):
        order = change(lambda o: o.confirm(given.invoice_id, given.invoice_number))
    else:
        assert isinstance(given, CancelInput)
        order = change(lambda o: o.cancel(given.reason, by_saga=True))
    return {"order_id": str(order.id), "status": order.status.value}


def _settle_wait(order: Order, token: str, tasks: Tasks) -> None:
    """Complete the wait at once when there is nothing to wait for."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        tasks.fail(token, ORDER_CANCELLED_ERROR, f'{{"order_id": "{order.id}", "status": "{order.status.value}"}}')
    elif order.payment is not None and order.task_token == token:
        tasks.succeed(token, payment_output(order))


def payment_received(order_id: str | None, payment: ReceivedPayment, reader: OrderReader,
                     uow: SalesUnitOfWork, tasks: Tasks, context: MessageContext) -> str:
    """Record a covering payment on its order and resume a saga waiting for it. Returns what happened:
    ``no_order`` / ``unknown_order`` (no such order: nothing to do, not worth a DLQ), ``not_covering``,
    ``recorded`` (nobody waits yet: ``await_payment`` completes at once later), ``resumed``, or
    ``task_gone`` (the waiting task had already ended: timed out or completed)."""
    if not order_id:
        return "no_order"
    try:
        key = UUID(order_id)
    except ValueError:
        return "unknown_order"
    covered = True

    def record(order: Order) -> bool:
        nonlocal covered  # decided on the one read of each attempt, never on an older read
        covered = order.covered_by(payment.amount, payment.currency)
        return covered and order.record_payment(payment)

    try:
        order = change_order(key, record, reader, uow, lambda o: context)
    except OrderNotFound:
        return "unknown_order"
    if not covered:
        return "not_covering"
    if order.task_token and order.status is OrderStatus.AWAITING_PAYMENT:
        return "resumed" if tasks.succeed(order.task_token, payment_output(order)) else "task_gone"
    return "recorded"
