"""The sales side of the OrderFulfillment saga and of the events sales reacts to.

Saga actions (``{"action": ...}`` from Step Functions, docs/order-to-cash.md) are idempotent: called
twice with the same input they change nothing the second time and return the same result. Waiting for
a card payment meets the payment in either order: whichever of ``await_payment`` (stores the task
token) and ``PaymentReceived`` (stores the payment) writes second sees the other's write (both write
under the order's version) and completes the task.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tandem.sales.domain import placement
from tandem.sales.domain.commands import ReceivedPayment, Shortage
from tandem.sales.domain.model import Order, OrderStatus
from tandem.sales.service import OrderReader, SalesUnitOfWork, change_order
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import BadRequest

ORDER_CANCELLED_ERROR = "OrderCancelled"  # what a cancelled order's waiting task fails with


class Tasks(Protocol):
    def succeed(self, token: str, output: dict[str, Any]) -> bool: ...
    def fail(self, token: str, error: str, cause: str) -> bool: ...


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    order_id: UUID


class BeginInput(_Input):
    execution_id: str = Field(min_length=1, max_length=2048)


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


def _context(order: Order, cause: str) -> MessageContext:
    """Saga events keep the correlation id of the request that placed the order."""
    return MessageContext(correlation_id=order.correlation_id or str(order.id), causation_id=cause[:128])


def payment_output(order: Order) -> dict[str, str]:
    assert order.payment is not None
    return {"payment_id": order.payment.payment_id, "amount": str(order.payment.amount),
            "currency": order.payment.currency}


def order_document(order: Order, *, payment_timeout_seconds: int) -> dict[str, Any]:
    """What ``begin`` returns: the order as the saga's next steps (and billing's invoice) need it."""
    return {"order_id": str(order.id), "customer": placement.customer_data(order),
            "lines": [{**line, "unit_price": str(line["unit_price"]), "tax_rate": str(line["tax_rate"])}
                      for line in placement.order_lines_data(order)],
            "currency": order.currency, "payment_method": order.payment_method.value,
            "net_total": str(order.net_total), "tax_total": str(order.tax_total),
            "gross_total": str(order.gross_total), "tax_rounding": order.tax_rounding,
            "payment_timeout_seconds": int(payment_timeout_seconds)}


def run_action(event: Mapping[str, Any], reader: OrderReader, uow: SalesUnitOfWork, tasks: Tasks, *,
               payment_timeout_seconds: int) -> dict[str, Any]:
    """Dispatch one saga action; an unknown action or malformed input is a ``BadRequest`` (a bug in the ASL)."""
    action = event.get("action")
    cause = str(event.get("execution_id") or event.get("action") or "saga")

    def change(order_id: UUID, decide: Any) -> Order:
        return change_order(order_id, decide, reader, uow, lambda order: _context(order, cause))

    if action == "begin":
        begin = BeginInput.model_validate(event)
        order = change(begin.order_id, lambda o: o.claim_saga(begin.execution_id))
        return order_document(order, payment_timeout_seconds=payment_timeout_seconds)
    if action == "reject":
        reject = RejectInput.model_validate(event)
        shortages = [Shortage(s.sku, s.requested, s.available) for s in reject.shortages]
        order = change(reject.order_id, lambda o: o.reject(shortages))
    elif action == "await_payment":
        wait = AwaitPaymentInput.model_validate(event)
        order = change(wait.order_id, lambda o: o.await_payment(wait.task_token))
        _settle_wait(order, wait.task_token, tasks)
    elif action == "confirm":
        confirm = ConfirmInput.model_validate(event)
        order = change(confirm.order_id, lambda o: o.confirm(confirm.invoice_id, confirm.invoice_number))
    elif action == "cancel":
        cancel = CancelInput.model_validate(event)
        order = change(cancel.order_id, lambda o: o.cancel(cancel.reason, by_saga=True))
    else:
        raise BadRequest(f"Unknown action {str(action)[:40]!r}")
    return {"order_id": str(order.id), "status": order.status.value}


def _settle_wait(order: Order, token: str, tasks: Tasks) -> None:
    """Complete the wait at once when there is nothing to wait for."""
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        tasks.fail(token, ORDER_CANCELLED_ERROR, f'{{"order_id": "{order.id}", "status": "{order.status.value}"}}')
    elif order.payment is not None and order.task_token == token:
        tasks.succeed(token, payment_output(order))


def payment_received(order_id: UUID | None, payment: ReceivedPayment, reader: OrderReader,
                     uow: SalesUnitOfWork, tasks: Tasks, context: MessageContext) -> str:
    """Record a covering payment on its order and resume a saga waiting for it. Returns what happened."""
    if order_id is None:
        return "no_order"
    order = reader.get(order_id)
    if order is None:
        return "unknown_order"
    if not order.covered_by(Decimal(payment.amount), payment.currency):
        return "not_covering"
    order = change_order(order_id, lambda o: o.record_payment(payment), reader, uow, lambda o: context)
    if order.task_token and order.status is OrderStatus.AWAITING_PAYMENT:
        tasks.succeed(order.task_token, payment_output(order))
        return "resumed"
    return "recorded"
