"""Reservations: the order saga reserves (and on failure releases) an order's stock; a shipment takes it.

A reservation is keyed by order id and written in the same transaction as every line's movement and
summary update, each conditioned on ``available >= quantity`` (and the product being active): all lines
or none, whatever the concurrency. The reservation's status only moves reserved -> released or
reserved -> shipped, each move conditioned on the status read, so a release or shipment happens once.
A shipment needs the units on hand (``on_hand >= quantity``): after a count left reservations at risk, an
order whose units are not there cannot ship (``InsufficientStock``) until stock is received.
"""

from __future__ import annotations

from collections.abc import Callable

from tandem.inventory.domain.commands import ReleaseStock, ReserveStock, ShipOrder
from tandem.inventory.domain.errors import InsufficientStock, StaleState
from tandem.inventory.domain.events import StockLine, StockReleased, StockReserved, StockShipped
from tandem.inventory.domain.model import MovementKind, Reservation, ReservationStatus, movement
from tandem.inventory.ports import UnitOfWork
from tandem.inventory.service.base import UseCases
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent
from tandem.shared.errors import ConditionFailed


def _lines(reservation: Reservation) -> list[StockLine]:
    return [StockLine(sku=sku, quantity=quantity) for sku, quantity in reservation.lines]


def _check_on_hand(reservation: Reservation, uow: UnitOfWork) -> None:
    """``InsufficientStock`` listing every line whose units are not on hand (a count found fewer)."""
    summaries = uow.stock.get_summaries([sku for sku, _ in reservation.lines])
    short = [
        {"sku": sku, "requested": quantity, "available": summaries[sku].level.on_hand if sku in summaries else 0}
        for sku, quantity in reservation.lines
        if sku not in summaries or summaries[sku].level.on_hand < quantity
    ]
    if short:
        raise InsufficientStock(short)


def _shortages(command: ReserveStock, uow: UnitOfWork) -> list[dict[str, object]]:
    """Every line the current stock cannot cover; an unknown or inactive sku has 0 available."""
    summaries = uow.stock.get_summaries([sku for sku, _ in command.lines])
    short: list[dict[str, object]] = []
    for sku, quantity in command.lines:
        summary = summaries.get(sku)
        available = summary.level.available if summary and summary.active else 0
        if available < quantity:
            short.append({"sku": sku, "requested": quantity, "available": max(available, 0)})
    return short


def _refused(failed: ConditionFailed, command: ReserveStock, uow: UnitOfWork) -> Reservation:
    """The existing reservation of a repeated call, else ``InsufficientStock`` naming every short line."""
    if failed.label == "reservation":
        existing = uow.reservations.get(command.order_id)
        if existing is not None:
            return existing
    short = _shortages(command, uow)
    if short:
        raise InsufficientStock(short) from failed
    raise StaleState() from failed  # stock arrived or the reservation vanished meanwhile: try again


class ReservationUseCases(UseCases):
    def reserve(self, command: ReserveStock, context: MessageContext) -> Reservation:
        """Reserve all lines of the order in one transaction, or raise ``InsufficientStock`` listing every short
        line (nothing reserved). A second call for the same order returns the existing reservation."""

        def attempt() -> Reservation:
            moment = self.clock.now()
            reservation = Reservation(
                order_id=command.order_id, lines=command.lines, status=ReservationStatus.RESERVED, reserved_at=moment
            )
            with self.uow() as uow:
                uow.reservations.add(reservation)  # first: a repeat is reported as "reservation"
                for sku, quantity in command.lines:
                    uow.stock.apply(
                        movement(
                            MovementKind.RESERVATION,
                            sku,
                            quantity,
                            id=self.clock.new_id(),
                            at=moment,
                            reference=command.order_id,
                        ),
                        require_active=True,
                    )
                uow.record(
                    self._envelope(StockReserved(order_id=command.order_id, lines=_lines(reservation)), context, moment)
                )
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    return _refused(failed, command, uow)
            return reservation

        return self._retrying(attempt)

    def release(self, command: ReleaseStock, context: MessageContext) -> bool:
        """Give an order's reserved stock back; False (a no-op) if nothing is reserved for it any more."""
        settled = self._settle(
            command.order_id,
            ReservationStatus.RELEASED,
            context,
            lambda r: StockReleased(order_id=r.order_id, lines=_lines(r), reason=command.reason),
        )
        return settled is not None

    def ship(self, command: ShipOrder, context: MessageContext) -> Reservation | None:
        """The reserved stock leaves: reserved and on hand go down by the reserved lines (the reservation is
        the truth of what was set aside). None if the order has no reserved stock (already shipped/released)."""
        return self._settle(
            command.order_id,
            ReservationStatus.SHIPPED,
            context,
            lambda r: StockShipped(order_id=r.order_id, lines=_lines(r)),
        )

    def settle_order(self, command: ShipOrder | ReleaseStock, context: MessageContext) -> bool:
        """What sales reported of an order: ship its reserved stock, or release it. False if none is reserved
        any more (already shipped or released: an event delivered twice, a cancelled order shipped)."""
        if isinstance(command, ShipOrder):
            return self.ship(command, context) is not None
        return self.release(command, context)

    def _settle(
        self,
        order_id: str,
        to: ReservationStatus,
        context: MessageContext,
        event_of: Callable[[Reservation], DomainEvent],
    ) -> Reservation | None:
        """Move a reserved reservation to ``to`` with one movement per line; None if it is not reserved."""
        kind = MovementKind.SHIPMENT if to is ReservationStatus.SHIPPED else MovementKind.RELEASE

        def attempt() -> Reservation | None:
            with self.uow() as uow:
                current = uow.reservations.get(order_id)
                if current is None or current.status is not ReservationStatus.RESERVED:
                    return None
                moment = self.clock.now()
                if kind is MovementKind.SHIPMENT:
                    _check_on_hand(current, uow)
                uow.reservations.move(order_id, from_status=ReservationStatus.RESERVED, to=to)
                for sku, quantity in current.lines:
                    uow.stock.apply(
                        movement(kind, sku, quantity, id=self.clock.new_id(), at=moment, reference=order_id)
                    )
                uow.record(self._envelope(event_of(current), context, moment))
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    if failed.label == "reservation":
                        return None  # released or shipped by someone else in between
                    if failed.label.startswith("stock:"):  # a count took the units meanwhile: re-check
                        raise StaleState() from failed
                    raise
            return current

        return self._retrying(attempt)
