"""What every group of sales use cases shares: the collaborators ``bootstrap`` gives the service, and the one
way an order changes (read, decide, write under its version, retry a lost race)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from tandem.sales.domain.errors import ConcurrentOrderUpdate, OrderNotFound
from tandem.sales.domain.model import Order
from tandem.sales.domain.placement import PricingPolicy
from tandem.sales.ports import Mailer, TaskClient, UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying

ATTEMPTS = 4  # a write that loses an optimistic-lock race is re-read and re-decided this often


def _anyone(order: Order) -> bool:
    return True


class ServiceBase:
    """A unit of work FACTORY (a new unit of work per call: it holds per-request state), the clock, and
    the configuration."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        policy: PricingPolicy,
        render: Callable[[Order], dict[str, Any]],
        payment_timeout_seconds: int,
        mailer: Mailer,
        tasks: TaskClient,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.policy = policy
        self.render = render  # the API's answer for an order, kept with an Idempotency-Key to replay it
        self.payment_timeout_seconds = payment_timeout_seconds
        self.mailer = mailer
        self.tasks = tasks

    def _change(
        self,
        order_id: UUID,
        decide: Callable[[Order], bool],
        context: Callable[[Order], MessageContext],
        *,
        visible: Callable[[Order], bool] = _anyone,
    ) -> Order:
        """Load, decide (True: ``decide`` changed the order), save with its events, all under the order's
        version; a lost race is re-read and re-decided. Returns the order as stored."""

        def attempt() -> Order:
            with self.uow() as uow:
                order = uow.orders.get(order_id)
                if order is None or not visible(order):
                    raise OrderNotFound(details={"id": str(order_id)})
                if not decide(order):
                    return order
                moment = self.clock.now()
                uow.orders.save(order)
                for event in order.events:
                    uow.record(Envelope.wrap(event, context(order), occurred_at=moment, event_id=self.clock.new_id()))
                uow.commit()
            order.version += 1
            order.events.clear()
            return order

        return retrying(
            attempt, on=(ConcurrentOrderUpdate, TransactionConflict), attempts=ATTEMPTS, sleep=self.clock.sleep
        )
