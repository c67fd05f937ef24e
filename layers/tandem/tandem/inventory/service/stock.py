"""Manual stock bookings (receipts, corrections, physical counts) and the stock of a sku.

A booking reports the totals after it in its event, so it is conditioned on the summary ``version`` it
read: the totals are exact, and when someone else moved the stock in between it re-reads and retries.

Each booking answers as ``reply`` renders the level after it (by default ``totals``). With an
Idempotency-Key (tandem.shared.request_keys) the key's record is written in the booking's transaction:
the same key and body answer the first answer again and book nothing; another body is 422.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tandem.inventory.domain.commands import AdjustStock, CountStock, ReceiveStock
from tandem.inventory.domain.errors import ProductNotFound, StaleState
from tandem.inventory.domain.events import StockAdjusted, StockCounted, StockReceived, StockShortfallDetected
from tandem.inventory.domain.model import Movement, MovementKind, StockLevel, movement
from tandem.inventory.domain.rules import MOVEMENTS_SHOWN, normalize_sku
from tandem.inventory.service.base import UseCases
from tandem.shared import request_keys
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent
from tandem.shared.errors import ConditionFailed
from tandem.shared.request_keys import Claim, KeyRecord, Reply


def totals(level: StockLevel) -> dict[str, Any]:
    """A level's totals as plain JSON (the default answer of a booking)."""
    return {
        "sku": level.sku,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": level.available,
        "at_risk": level.at_risk,
    }


TOTALS: Reply[StockLevel] = Reply(render=totals)


class StockUseCases(UseCases):
    def receive_stock(
        self, command: ReceiveStock, context: MessageContext, reply: Reply[StockLevel] = TOTALS
    ) -> dict[str, Any]:
        """Book goods in (``ProductNotFound`` for an unknown sku)."""
        return self._book_once(
            reply,
            command.sku,
            lambda at, _level: movement(
                MovementKind.RECEIPT,
                command.sku,
                command.quantity,
                id=self.clock.new_id(),
                at=at,
                reference=command.reference,
            ),
            lambda _move, after: [
                StockReceived(
                    sku=command.sku, quantity=command.quantity, on_hand=after.on_hand, available=after.available
                )
            ],
            context,
        )

    def adjust_stock(
        self, command: AdjustStock, context: MessageContext, reply: Reply[StockLevel] = TOTALS
    ) -> dict[str, Any]:
        """Correct the count by ``delta``; a decrease beyond what is available is ``InsufficientStock`` (409)."""
        return self._book_once(
            reply,
            command.sku,
            lambda at, _level: movement(
                MovementKind.ADJUSTMENT,
                command.sku,
                command.delta,
                id=self.clock.new_id(),
                at=at,
                reason=command.reason,
            ),
            lambda _move, after: [
                StockAdjusted(
                    sku=command.sku,
                    delta=command.delta,
                    reason=command.reason,
                    on_hand=after.on_hand,
                    available=after.available,
                )
            ],
            context,
        )

    def count_stock(
        self, command: CountStock, context: MessageContext, reply: Reply[StockLevel] = TOTALS
    ) -> dict[str, Any]:
        """Record a physical count: on hand becomes ``counted``, even below what is reserved (then nothing is
        available, ``at_risk`` reserved units have no stock behind them and StockShortfallDetected is
        published with StockCounted). A count equal to on hand is recorded too (the count happened)."""

        def events(move: Movement, after: StockLevel) -> list[DomainEvent]:
            counted = StockCounted(
                sku=command.sku,
                counted=command.counted,
                delta=move.on_hand_delta,
                reason=command.reason,
                on_hand=after.on_hand,
                reserved=after.reserved,
                available=after.available,
                at_risk=after.at_risk,
            )
            if not after.at_risk:
                return [counted]
            short = StockShortfallDetected(
                sku=command.sku, counted=command.counted, reserved=after.reserved, at_risk=after.at_risk
            )
            return [counted, short]

        return self._book_once(
            reply,
            command.sku,
            lambda at, level: level.count(command.counted, id=self.clock.new_id(), at=at, reason=command.reason),
            events,
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

    def _book_once(
        self,
        reply: Reply[StockLevel],
        sku: str,
        move_of: Callable[[datetime, StockLevel], Movement],
        events_of: Callable[[Movement, StockLevel], list[DomainEvent]],
        context: MessageContext,
    ) -> dict[str, Any]:
        """``_book``, answered once per Idempotency-Key (``tandem.shared.request_keys.answer_once``)."""

        def known(caller: str, key: str) -> KeyRecord | None:
            with self.uow() as uow:
                return uow.request_keys.get(caller, key)

        return request_keys.answer_once(
            reply, lambda claim: self._book(sku, move_of, events_of, context, claim), now=self.clock.now(), known=known
        )

    def _book(
        self,
        sku: str,
        move_of: Callable[[datetime, StockLevel], Movement],
        events_of: Callable[[Movement, StockLevel], list[DomainEvent]],
        context: MessageContext,
        claim: Claim[StockLevel] | None = None,
    ) -> StockLevel:
        """Append one movement (made from the level read) at the summary version read, with its events, and
        the Idempotency-Key's record ``claim`` if the request sent a key."""

        def attempt() -> StockLevel:
            moment = self.clock.now()
            with self.uow() as uow:
                summary = uow.stock.get_summary(sku)
                if summary is None:
                    raise ProductNotFound(details={"sku": sku})
                move = move_of(moment, summary.level)
                after = summary.level.apply(move)  # InsufficientStock before writing anything
                if claim is not None:
                    uow.request_keys.claim(claim(after), now=moment)
                uow.stock.apply(move, expected_version=summary.level.version)
                for event in events_of(move, after):
                    uow.record(self._envelope(event, context, moment))
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    if failed.label == "idempotency":
                        raise
                    raise StaleState() from failed
            return after

        return self._retrying(attempt)
