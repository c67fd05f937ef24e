"""Products, the append-only stock ledger, reservations and purchase orders.

Stock is a ledger: every change is a ``Movement`` that is written once and never changed. The
per-sku ``StockLevel`` is the running sum of the movements (``on_hand``, ``reserved``) kept next to
them; ``available = on_hand - reserved`` is stored too, because DynamoDB conditions cannot do
arithmetic and the invariants are enforced by conditions on exactly these numbers.
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
    """What a stock movement records: goods in, a correction, an order's reservation, its release or shipment."""

    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
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
        """What the movement is about, as a positive number (the delta for adjustments)."""
        if self.kind is MovementKind.ADJUSTMENT:
            return self.on_hand_delta
        return abs(self.on_hand_delta) or abs(self.reserved_delta)


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
    """The movement of ``kind`` for ``quantity`` (an adjustment's quantity is its signed delta)."""
    if kind is MovementKind.ADJUSTMENT:
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
    def available(self) -> int:
        return self.on_hand - self.reserved

    def apply(self, move: Movement) -> StockLevel:
        """The level after ``move``, or ``InsufficientStock`` if any total would go below zero."""
        after = replace(
            self,
            on_hand=self.on_hand + move.on_hand_delta,
            reserved=self.reserved + move.reserved_delta,
            version=self.version + 1,
        )
        if after.on_hand < 0 or after.reserved < 0 or after.available < 0:
            requested = -move.available_delta if move.available_delta < 0 else -move.on_hand_delta
            raise InsufficientStock([{"sku": self.sku, "requested": requested, "available": self.available}])
        return after


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
