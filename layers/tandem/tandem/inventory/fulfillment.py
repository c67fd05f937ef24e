"""The saga's inventory tasks (reserve, release) and the shipment of an order.

A reservation is keyed by order id and written in the same transaction as every line's movement and
summary update, each conditioned on ``available >= quantity`` (and the product being active): all lines
or none, whatever the concurrency. The reservation's status only moves reserved -> released or
reserved -> shipped, each move conditioned on the status read, so a release or shipment happens once.
"""

from __future__ import annotations

from tandem.inventory.domain.commands import ReleaseStock, ReserveStock, ShipOrder
from tandem.inventory.domain.errors import InsufficientStock, StaleState
from tandem.inventory.domain.events import StockLine, StockReleased, StockReserved, StockShipped
from tandem.inventory.domain.model import MovementKind, Reservation, ReservationStatus, movement
from tandem.inventory.ports import InventoryReader, UnitOfWork
from tandem.inventory.service import Clock, retrying
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed


def _lines(reservation: Reservation) -> list[StockLine]:
    return [StockLine(sku=sku, quantity=quantity) for sku, quantity in reservation.lines]


def shortages(command: ReserveStock, reader: InventoryReader) -> list[dict[str, object]]:
    """Every line the current stock cannot cover; an unknown or inactive sku has 0 available."""
    summaries = reader.get_summaries([sku for sku, _ in command.lines])
    short = []
    for sku, quantity in command.lines:
        summary = summaries.get(sku)
        available = summary.level.available if summary and summary.active else 0
        if available < quantity:
            short.append({"sku": sku, "requested": quantity, "available": max(available, 0)})
    return short


def reserve(command: ReserveStock, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
            clock: Clock | None = None) -> Reservation:
    """Reserve all lines of the order in one transaction, or raise ``InsufficientStock`` listing every short
    line (nothing reserved). A second call for the same order returns the existing reservation."""
    clock = clock or Clock()

    def attempt() -> Reservation:
        moment = clock.now()
        reservation = Reservation(order_id=command.order_id, lines=command.lines,
                                  status=ReservationStatus.RESERVED, reserved_at=moment)
        with uow:
            uow.add_reservation(reservation)  # first: a repeat is reported as "reservation"
            for sku, quantity in command.lines:
                uow.apply(movement(MovementKind.RESERVATION, sku, quantity, id=clock.ids(), at=moment,
                                   reference=command.order_id), require_active=True)
            uow.record(clock.wrap(StockReserved(order_id=command.order_id, lines=_lines(reservation)),
                                  context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                return _refused(failed, command, reader)
        return reservation

    return retrying(attempt, sleep=clock.sleep)


def _refused(failed: ConditionFailed, command: ReserveStock, reader: InventoryReader) -> Reservation:
    if failed.label == "reservation":
        existing = reader.get_reservation(command.order_id)
        if existing is not None:
            return existing
    short = shortages(command, reader)
    if short:
        raise InsufficientStock(short) from failed
    raise StaleState() from failed  # stock arrived or the reservation vanished meanwhile: try again


def _settle(order_id: str, to: ReservationStatus, kind: MovementKind, uow: UnitOfWork, reader: InventoryReader,
            context: MessageContext, clock: Clock, event_of) -> Reservation | None:  # type: ignore[no-untyped-def]
    """Move a reserved reservation to ``to`` with one ``kind`` movement per line; None if it is not reserved."""

    def attempt() -> Reservation | None:
        current = reader.get_reservation(order_id)
        if current is None or current.status is not ReservationStatus.RESERVED:
            return None
        moment = clock.now()
        with uow:
            uow.move_reservation(order_id, from_status=ReservationStatus.RESERVED, to=to)
            for sku, quantity in current.lines:
                uow.apply(movement(kind, sku, quantity, id=clock.ids(), at=moment, reference=order_id))
            uow.record(clock.wrap(event_of(current), context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                if failed.label == "reservation":
                    return None  # released or shipped by someone else in between
                raise
        return current

    return retrying(attempt, sleep=clock.sleep)


def release(command: ReleaseStock, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
            clock: Clock | None = None) -> bool:
    """Give an order's reserved stock back; False (a no-op) if nothing is reserved for it any more."""
    settled = _settle(command.order_id, ReservationStatus.RELEASED, MovementKind.RELEASE, uow, reader, context,
                      clock or Clock(), lambda r: StockReleased(order_id=r.order_id, lines=_lines(r),
                                                                reason=command.reason))
    return settled is not None


def ship(command: ShipOrder, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
         clock: Clock | None = None) -> Reservation | None:
    """The reserved stock leaves: reserved and on hand go down by the reserved lines (the reservation is
    the truth of what was set aside). None if the order has no reserved stock (already shipped/released)."""
    return _settle(command.order_id, ReservationStatus.SHIPPED, MovementKind.SHIPMENT, uow, reader, context,
                   clock or Clock(), lambda r: StockShipped(order_id=r.order_id, lines=_lines(r)))
