"""What every group of inventory use cases shares: the unit of work factory, the clock, the config.

Every write is one transaction of state + outbox events. A write that lost a race (``TransactionConflict``,
or ``StaleState`` when what it read changed before it committed) re-reads and tries again a few times,
after the one jittered pause of ``tandem.shared.retry``, then lets the error propagate (the caller or the
state machine retries).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from tandem.inventory.domain.errors import StaleState
from tandem.inventory.ports import UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying

T = TypeVar("T")
E = TypeVar("E", bound=DomainEvent)
ATTEMPTS = 5


class UseCases:
    """The collaborators of the use cases, given once by ``bootstrap``: ``uow()`` makes a new unit of work
    (it holds per-request state, so one per call, never shared)."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock, *, base_currency: str) -> None:
        self.uow = uow
        self.clock = clock
        self.base_currency = base_currency

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """``attempt()``, tried again after a lost race (up to ``ATTEMPTS`` times in all)."""
        return retrying(attempt, on=(TransactionConflict, StaleState), attempts=ATTEMPTS, sleep=self.clock.sleep)

    def _envelope(self, event: E, context: MessageContext, at: datetime) -> Envelope[E]:
        return Envelope.wrap(event, context, occurred_at=at, event_id=self.clock.new_id())
