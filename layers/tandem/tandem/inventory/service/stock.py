"""Manual stock bookings (receipts, count corrections) and the stock of a sku.

A booking reports the totals after it in its event, so it is conditioned on the summary ``version`` it
read: the totals are exact, and when someone else moved the stock in between it re-reads and retries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tandem.inventory.domain.commands import AdjustStock, ReceiveStock
from tandem.inventory.domain.errors import ProductNotFound, StaleState
from tandem.inventory.domain.events import StockAdjusted, StockReceived
from tandem.inventory.domain.model import Movement, MovementKind, StockLevel, movement
from tandem.inventory.domain.rules import MOVEMENTS_SHOWN, normalize_sku
from tandem.inventory.service.base import UseCases
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent
from tandem.shared.errors import ConditionFailed


class StockUseCases(UseCases):
    def receive_stock(self, command: ReceiveStock, context: MessageContext) -> StockLevel:
        """Book goods in (``ProductNotFound`` for an unknown sku)."""
        return self._book(
            lambda at: movement(
                MovementKind.RECEIPT,
                command.sku,
                command.quantity,
                id=self.clock.new_id(),
                at=at,
                reference=command.reference,
            ),
            lambda after: StockReceived(
                sku=command.sku, quantity=command.quantity, on_hand=after.on_hand, available=after.available
            ),
            context,
        )

    def adjust_stock(self, command: AdjustStock, context: MessageContext) -> StockLevel:
        """Correct the count by ``delta``; a decrease beyond what is available is ``InsufficientStock`` (409)."""
        return self._book(
            lambda at: movement(
                MovementKind.ADJUSTMENT,
                command.sku,
                command.delta,
                id=self.clock.new_id(),
                at=at,
                reason=command.reason,
            ),
            lambda after: StockAdjusted(
                sku=command.sku,
                delta=command.delta,
                reason=command.reason,
                on_hand=after.on_hand,
                available=after.available,
            ),
            context,
        )

    def stock_of(self, sku: str) -> tuple[StockLevel, list[Movement]]:
        """The sku's totals and its latest movements (newest first)."""
        sku = normalize_sku(sku)
        with self.uow() as uow:
            summary, moves = uow.stock.with_movements(sku, limit=MOVEMENTS_SHOWN)
        if summary is None:
            raise ProductNotFound(details={"sku": sku[:64]})
        return summary.level, moves

    def _book(
        self,
        move_of: Callable[[datetime], Movement],
        event_of: Callable[[StockLevel], DomainEvent],
        context: MessageContext,
    ) -> StockLevel:
        """Append one movement at the summary version read, with its event."""

        def attempt() -> StockLevel:
            moment = self.clock.now()
            move = move_of(moment)
            with self.uow() as uow:
                summary = uow.stock.get_summary(move.sku)
                if summary is None:
                    raise ProductNotFound(details={"sku": move.sku})
                after = summary.level.apply(move)  # InsufficientStock before writing anything
                uow.stock.apply(move, expected_version=summary.level.version)
                uow.record(self._envelope(event_of(after), context, moment))
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    raise StaleState() from failed
            return after

        return self._retrying(attempt)
