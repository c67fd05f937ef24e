"""Products, the append-only stock ledger, reservations and purchase orders.

Stock is a ledger: every change is a ``Movement`` that is written once and never changed. The
per-sku ``StockLevel`` is the running sum of the movements (``on_hand``, ``reserved``) kept next to
them; the balance ``on_hand - reserved`` is stored too (as ``available``), because DynamoDB conditions
cannot do arithmetic and the invariants are enforced by conditions on exactly these numbers.

No total ever goes below zero. Only a physical count (``MovementKind.COUNT``) may find fewer units than
are reserved: on hand becomes what was counted, the reservations stay (they are promises to orders), nothing
is available, and ``at_risk = reserved - on_hand`` units of reservations cannot ship until stock arrives.
The stored balance is then negative; ``available`` and ``at_risk`` are its two non-negative halves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tandem.inventory.domain.errors import InsufficientStock
from tandem.shared.pricing import TaxCategory


class MovementKind(StrEnum):
    """What a stock movement records: goods in, a correction, a physical count, an order's reservation, its
    release or shipment."""

    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    COUNT = "count"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"


class ReservationStatus(StrEnum):
    RESERVED = "reserved"
    RELEASED = "released"
    SHIPPED = "shipped"


class PurchaseOrderStatus(StrEnum):
    """A purchase order is drafted by the reorder check and received once its goods are booked in."""

    DRAFTED = "drafted"
    RECEIVED = "received"


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    unit_price: Decimal
    currency: str
    tax_category: TaxCategory
    reorder_point: int
    reorder_quantity: int
    active: bool
    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Movement:
    """One ledger entry: its effect on ``on_hand`` and ``reserved`` (``available`` follows)."""

    id: UUID
    sku: str
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    occurred_at: datetime
    reason: str | None = None
    reference: str | None = None  # order id, purchase order id or the receipt's delivery note

    @property
    def available_delta(self) -> int:
        return self.on_hand_delta - self.reserved_delta

    @property
    def quantity(self) -> int:
        """What the movement is about, as a positive number (the signed delta for adjustments and counts)."""
        if self.kind in _SIGNED:
            return self.on_hand_delta
        return abs(self.on_hand_delta) or abs(self.reserved_delta)


_SIGNED = (MovementKind.ADJUSTMENT, MovementKind.COUNT)  # their quantity is the signed change of on hand
_EFFECTS = {  # (on_hand sign, reserved sign) per kind, for a positive quantity
    MovementKind.RECEIPT: (1, 0),
    MovementKind.RESERVATION: (0, 1),
    MovementKind.RELEASE: (0, -1),
    MovementKind.SHIPMENT: (-1, -1),
}


def movement(
    kind: MovementKind,
    sku: str,
    quantity: int,
    *,
    id: UUID,
    at: datetime,  # noqa: A002
    reason: str | None = None,
    reference: str | None = None,
) -> Movement:
    """The movement of ``kind`` for ``quantity`` (an adjustment's or a count's quantity is its signed delta)."""
    if kind in _SIGNED:
        on_hand, reserved = quantity, 0
    else:
        sign_on_hand, sign_reserved = _EFFECTS[kind]
        on_hand, reserved = sign_on_hand * quantity, sign_reserved * quantity
    return Movement(
        id=id,
        sku=sku,
        kind=kind,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        occurred_at=at,
        reason=reason,
        reference=reference,
    )


@dataclass(frozen=True, slots=True)
class StockLevel:
    """The running totals of one sku's ledger; ``version`` counts the movements applied."""

    sku: str
    on_hand: int = 0
    reserved: int = 0
    version: int = 0

    @property
    def balance(self) -> int:
        """``on_hand - reserved``: negative only after a count found fewer units than are reserved."""
        return self.on_hand - self.reserved

    @property
    def available(self) -> int:
        """What can still be reserved or adjusted away: never below zero."""
        return max(self.balance, 0)

    @property
    def at_risk(self) -> int:
        """Reserved units no stock stands behind (after a count below the reservations)."""
        return max(-self.balance, 0)

    def apply(self, move: Movement) -> StockLevel:
        """The level after ``move``, or ``InsufficientStock`` if a total would go below zero or a movement
        that lowers the balance would take more than is available (only a count may leave reservations at
        risk: it records what is there)."""
        after = replace(
            self,
            on_hand=self.on_hand + move.on_hand_delta,
            reserved=self.reserved + move.reserved_delta,
            version=self.version + 1,
        )
        lowers = move.available_delta < 0 and move.kind is not MovementKind.COUNT
        if after.on_hand < 0 or after.reserved < 0 or (lowers and after.balance < 0):
            requested = -move.available_delta if move.available_delta < 0 else -move.on_hand_delta
            raise InsufficientStock([{"sku": self.sku, "requested": requested, "available": self.available}])
        return after

    def count(self, counted: int, *, id: UUID, at: datetime, reason: str | None) -> Movement:  # noqa: A002
        """The movement that sets on hand to ``counted`` (what a physical count found)."""
        return movement(MovementKind.COUNT, self.sku, counted - self.on_hand, id=id, at=at, reason=reason)


@dataclass(frozen=True, slots=True)
class StockSummary:
    """A ``StockLevel`` with what the reorder check needs (copied from the product in the same write)."""

    level: StockLevel
    active: bool
    reorder_point: int
    reorder_quantity: int
    open_purchase_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    order_id: str
    lines: tuple[tuple[str, int], ...]  # merged, sorted by sku
    status: ReservationStatus
    reserved_at: datetime


@dataclass(frozen=True, slots=True)
class PurchaseOrder:
    id: str
    sku: str
    quantity: int
    status: PurchaseOrderStatus
    created_at: datetime
    received_at: datetime | None = None
