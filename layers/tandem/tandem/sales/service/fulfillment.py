"""The sales side of the OrderFulfillment saga: its task steps, the card payment it waits for, and the
customer's notice when an order closes undelivered.

Saga steps are idempotent: called twice with the same input they change nothing the second time and
return the same result. Waiting for a card payment meets the payment in either order: whichever of
``await_payment`` (stores the task token) and ``payment_received`` (stores the payment) writes second
sees the other's write (both write under the order's version) and completes the task.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from tandem.sales.domain.commands import (
    AwaitPayment,
    BeginFulfillment,
    CancelOrder,
    ConfirmOrder,
    RecordPayment,
    RejectOrder,
)
from tandem.sales.domain.errors import OrderNotFound
from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.sales.domain.model import CLOSED, Order, OrderStatus
from tandem.sales.domain.notices import ClosureNotice
from tandem.sales.service.base import ServiceBase
from tandem.shared.correlation import MessageContext, from_saga

ORDER_CANCELLED_ERROR = "OrderCancelled"  # what a closed order's waiting task fails with (the ASL's Catch)


@dataclass(frozen=True, slots=True)
class SagaStep:
    """The saga task that calls: its action, its execution and the saga's correlation id (from ``begin``)."""

    action: str
    execution_id: str | None = None
    correlation_id: str | None = None

    def context(self, order: Order) -> MessageContext:
        """The saga's correlation id (else the one stored on the order), caused by the execution."""
        return from_saga(self.correlation_id or order.correlation_id or str(order.id), self.execution_id, self.action)


class PaymentOutcome(StrEnum):
    """What a PaymentReceived did."""

    NO_ORDER = "no_order"  # the payment names no order: nothing to do, not worth a DLQ
    UNKNOWN_ORDER = "unknown_order"  # not an order sales issued: likewise
    NOT_COVERING = "not_covering"  # another currency or too little: ignored
    RECORDED = "recorded"  # nobody waits yet: ``await_payment`` completes at once later
    RESUMED = "resumed"  # the waiting saga task was completed
    TASK_GONE = "task_gone"  # the waiting task had already ended (timed out or completed)


@dataclass(frozen=True, slots=True)
class NoticeSent:
    order_id: UUID
    message_id: str
    task_failed: bool  # a saga task still waiting on the cancelled order was failed


def payment_output(order: Order) -> dict[str, str]:
    """What a waiting saga task completes with: the payment recorded on the order."""
    assert order.payment is not None
    return {
        "payment_id": order.payment.payment_id,
        "amount": str(order.payment.amount),
        "currency": order.payment.currency,
    }


class FulfillmentUseCases(ServiceBase):
    def begin_fulfillment(self, command: BeginFulfillment, step: SagaStep) -> Order:
        """Claim the order for this execution (``SagaAlreadyStarted`` for another one)."""
        return self._change(command.order_id, lambda order: order.claim_saga(command.execution_id), step.context)

    def reject_order(self, command: RejectOrder, step: SagaStep) -> Order:
        return self._change(command.order_id, lambda order: order.reject(command.shortages), step.context)

    def await_payment(self, command: AwaitPayment, step: SagaStep) -> Order:
        """Keep the task token; complete the wait at once when there is nothing to wait for."""
        token = command.task_token
        order = self._change(command.order_id, lambda o: o.await_payment(token), step.context)
        if order.status in CLOSED:
            self.tasks.fail(
                token, ORDER_CANCELLED_ERROR, f'{{"order_id": "{order.id}", "status": "{order.status.value}"}}'
            )
        elif order.payment is not None and order.task_token == token:
            self.tasks.succeed(token, payment_output(order))
        return order

    def confirm_order(self, command: ConfirmOrder, step: SagaStep) -> Order:
        return self._change(
            command.order_id, lambda o: o.confirm(command.invoice_id, command.invoice_number), step.context
        )

    def cancel_by_saga(self, command: CancelOrder, step: SagaStep) -> Order:
        """The saga's compensation: never refused, except ``PaymentAlreadyReceived`` (see ``Order.cancel``)."""
        return self._change(command.order_id, lambda order: order.cancel(command.reason, by_saga=True), step.context)

    def payment_received(self, command: RecordPayment, context: MessageContext) -> PaymentOutcome:
        """Record a covering payment on its order and resume a saga waiting for it."""
        if not command.order_id:
            return PaymentOutcome.NO_ORDER
        try:
            order_id = UUID(command.order_id)
        except ValueError:
            return PaymentOutcome.UNKNOWN_ORDER
        payment = command.payment
        # Decided on each attempt's own read; currency and total never change after placement, so the
        # order returned answers "covered" as that read did.
        try:
            order = self._change(
                order_id,
                lambda o: o.covered_by(payment.amount, payment.currency) and o.record_payment(payment),
                lambda _: context,
            )
        except OrderNotFound:
            return PaymentOutcome.UNKNOWN_ORDER
        if not order.covered_by(payment.amount, payment.currency):
            return PaymentOutcome.NOT_COVERING
        if order.task_token and order.status is OrderStatus.AWAITING_PAYMENT:
            resumed = self.tasks.succeed(order.task_token, payment_output(order))
            return PaymentOutcome.RESUMED if resumed else PaymentOutcome.TASK_GONE
        return PaymentOutcome.RECORDED

    def notify_order_closed(self, event: OrderCancelled | OrderRejected) -> NoticeSent:
        """Fail a saga still waiting on a cancelled order's card payment, then tell the customer why."""
        with self.uow() as uow:
            order = uow.orders.get(event.order_id)
        failed = False
        if isinstance(event, OrderCancelled) and order is not None and order.task_token:
            failed = self.tasks.fail(
                order.task_token, ORDER_CANCELLED_ERROR, f'{{"order_id": "{order.id}", "reason": "cancelled"}}'
            )
        message_id = self.mailer.send(ClosureNotice.for_event(event, order))
        return NoticeSent(order_id=event.order_id, message_id=message_id, task_failed=failed)
