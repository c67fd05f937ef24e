"""In-memory unit of work and repositories with the DynamoDB adapter's conditions (all or nothing, by label)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tandem.inventory.domain.model import (
    Movement,
    Product,
    PurchaseOrder,
    PurchaseOrderStatus,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockSummary,
)
from tandem.shared import request_keys
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page
from tandem.shared.request_keys import KeyRecord


@dataclass
class Store:
    products: dict[str, Product] = field(default_factory=dict)
    summaries: dict[str, StockSummary] = field(default_factory=dict)
    movements: list[Movement] = field(default_factory=list)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    purchase_orders: dict[str, PurchaseOrder] = field(default_factory=dict)
    keys: dict[tuple[str, str], KeyRecord] = field(default_factory=dict)
    outbox: list[Any] = field(default_factory=list)
    commits: int = 0

    def events(self, event_type: str | None = None) -> list[Any]:
        return [e.data for e in self.outbox if event_type in (None, e.metadata.event_type)]


class _Repository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.store = uow.store

    def _write(self, label: str, holds: Any, apply: Any) -> None:
        self.uow._ops.append((label, holds, apply))


class FakeProducts(_Repository):
    def get(self, sku: str) -> Product | None:
        return self.store.products.get(sku)

    def list_active(self, *, limit: int, cursor: str | None) -> Page[Product]:
        return Page(items=sorted((p for p in self.store.products.values() if p.active), key=lambda p: p.sku)[:limit])

    def add(self, product: Product) -> None:
        summary = StockSummary(StockLevel(product.sku), product.active, product.reorder_point, product.reorder_quantity)
        self._write(
            "product",
            lambda s: product.sku not in s.products,
            lambda s: (s.products.__setitem__(product.sku, product), s.summaries.__setitem__(product.sku, summary)),
        )

    def replace(self, product: Product, *, expected_revision: int) -> None:
        def apply(s: Store) -> None:
            s.products[product.sku] = product
            s.summaries[product.sku] = replace(
                s.summaries[product.sku],
                active=product.active,
                reorder_point=product.reorder_point,
                reorder_quantity=product.reorder_quantity,
            )

        self._write("product", lambda s: s.products[product.sku].revision == expected_revision, apply)


class FakeStock(_Repository):
    def get_summary(self, sku: str) -> StockSummary | None:
        return self.store.summaries.get(sku)

    def get_summaries(self, skus: list[str]) -> dict[str, StockSummary]:
        return {sku: self.store.summaries[sku] for sku in skus if sku in self.store.summaries}

    def with_movements(self, sku: str, *, limit: int) -> tuple[StockSummary | None, list[Movement]]:
        moves = [m for m in reversed(self.store.movements) if m.sku == sku]
        return self.store.summaries.get(sku), moves[:limit]

    def reorder_candidates(self) -> list[StockSummary]:
        return list(self.store.summaries.values())  # the service re-checks each with the domain rule

    def apply(
        self,
        move: Movement,
        *,
        expected_version: int | None = None,
        require_active: bool = False,
        close_purchase_order: bool = False,
    ) -> None:
        def holds(s: Store) -> bool:
            summary = s.summaries.get(move.sku)
            if summary is None or (require_active and not summary.active):
                return False
            if expected_version is not None and summary.level.version != expected_version:
                return False
            level = summary.level
            counts = move.kind.value == "count"  # a count may take the balance below zero (reservations at risk)
            return all(
                total >= -delta
                for total, delta in (
                    (level.on_hand, move.on_hand_delta),
                    (level.reserved, move.reserved_delta),
                    (level.balance, 0 if counts else move.available_delta),
                )
                if delta < 0
            )

        def apply(s: Store) -> None:
            summary = s.summaries[move.sku]
            level = replace(
                summary.level,
                on_hand=summary.level.on_hand + move.on_hand_delta,
                reserved=summary.level.reserved + move.reserved_delta,
                version=summary.level.version + 1,
            )
            s.summaries[move.sku] = replace(
                summary,
                level=level,
                open_purchase_order_id=None if close_purchase_order else summary.open_purchase_order_id,
            )
            s.movements.append(move)

        self._write(f"stock:{move.sku}", holds, apply)


class FakeReservations(_Repository):
    def get(self, order_id: str) -> Reservation | None:
        return self.store.reservations.get(order_id)

    def add(self, reservation: Reservation) -> None:
        self._write(
            "reservation",
            lambda s: reservation.order_id not in s.reservations,
            lambda s: s.reservations.__setitem__(reservation.order_id, reservation),
        )

    def move(self, order_id: str, *, from_status: ReservationStatus, to: ReservationStatus) -> None:
        self._write(
            "reservation",
            lambda s: order_id in s.reservations and s.reservations[order_id].status is from_status,
            lambda s: s.reservations.__setitem__(order_id, replace(s.reservations[order_id], status=to)),
        )


class FakePurchaseOrders(_Repository):
    def get(self, po_id: str) -> PurchaseOrder | None:
        return self.store.purchase_orders.get(po_id)

    def list_newest_first(
        self, *, status: PurchaseOrderStatus | None, limit: int, cursor: str | None
    ) -> Page[PurchaseOrder]:
        return Page(items=[p for p in self.store.purchase_orders.values() if status in (None, p.status)])

    def add(self, po: PurchaseOrder) -> None:
        def holds(s: Store) -> bool:
            summary = s.summaries[po.sku]
            return (
                summary.open_purchase_order_id is None
                and summary.active
                and summary.level.available <= summary.reorder_point
            )

        def apply(s: Store) -> None:
            s.purchase_orders[po.id] = po
            s.summaries[po.sku] = replace(s.summaries[po.sku], open_purchase_order_id=po.id)

        self._write(f"open_po:{po.sku}", holds, apply)

    def mark_received(self, po: PurchaseOrder) -> None:
        self._write(
            "purchase_order",
            lambda s: s.purchase_orders[po.id].status.value == "drafted",
            lambda s: s.purchase_orders.__setitem__(po.id, po),
        )


class FakeRequestKeys(_Repository):
    def get(self, caller: str, key: str) -> KeyRecord | None:
        return self.store.keys.get((caller, key))

    def claim(self, record: KeyRecord, *, now: Any) -> None:
        def holds(s: Store) -> bool:
            known = s.keys.get((record.caller, record.key))
            if known is not None and known.live(now):
                self.uow.old_item = request_keys.record_item(known)
                return False
            return True

        self._write("idempotency", holds, lambda s: s.keys.__setitem__((record.caller, record.key), record))


class FakeUnitOfWork:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._ops: list[tuple[str, Any, Any]] = []  # (label, condition(store) -> bool, apply(store))
        self.products = FakeProducts(self)
        self.stock = FakeStock(self)
        self.reservations = FakeReservations(self)
        self.purchase_orders = FakePurchaseOrders(self)
        self.request_keys = FakeRequestKeys(self)
        self.old_item: dict[str, Any] | None = None

    def __enter__(self) -> FakeUnitOfWork:
        self._ops = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._ops = []

    def record(self, envelope: Any) -> None:
        self._ops.append(("outbox", lambda s: True, lambda s: s.outbox.append(envelope)))

    def commit(self) -> None:
        ops, self._ops = self._ops, []
        for label, holds, _ in ops:
            if not holds(self.store):
                raise ConditionFailed(label, self.old_item if label == "idempotency" else None)
        for _, _, apply in ops:
            apply(self.store)
        self.store.commits += 1
