"""What the inventory use cases need from the outside world (implemented by adapters and test fakes).

The unit of work owns the repositories. Their reads happen at once; their writes are collected and land
with the recorded events in ONE transaction at ``commit``, which raises ``ConditionFailed(label)`` when a
condition fails (labels: ``product``, ``stock:<sku>``, ``reservation``, ``purchase_order``,
``open_po:<sku>``, ``idempotency`` with the live key record as ``old_item``) and ``TransactionConflict``
when a concurrent transaction got in the way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from tandem.inventory.domain.model import (
    Movement,
    Product,
    PurchaseOrder,
    PurchaseOrderStatus,
    Reservation,
    ReservationStatus,
    StockSummary,
)
from tandem.shared.envelope import Envelope
from tandem.shared.paging import Page
from tandem.shared.request_keys import KeyRecord


class ProductRepository(Protocol):
    def get(self, sku: str) -> Product | None: ...

    def list_active(self, *, limit: int, cursor: str | None) -> Page[Product]:
        """Active products by sku (the public catalog)."""
        ...

    def add(self, product: Product) -> None:
        """The product (its sku must be new) and its empty stock summary."""
        ...

    def replace(self, product: Product, *, expected_revision: int) -> None:
        """The product, if it is still at ``expected_revision``; its summary copies what the reorder check needs."""
        ...


class StockRepository(Protocol):
    def get_summary(self, sku: str) -> StockSummary | None: ...

    def get_summaries(self, skus: list[str]) -> dict[str, StockSummary]:
        """The summaries of ``skus`` as of one moment."""
        ...

    def with_movements(self, sku: str, *, limit: int) -> tuple[StockSummary | None, list[Movement]]:
        """The summary and its latest ``limit`` movements, newest first."""
        ...

    def reorder_candidates(self) -> list[StockSummary]:
        """Active skus at or below their reorder point without an open purchase order."""
        ...

    def apply(
        self,
        move: Movement,
        *,
        expected_version: int | None = None,
        require_active: bool = False,
        close_purchase_order: bool = False,
    ) -> None:
        """Append ``move`` to the ledger and add it to the summary, refusing any total below zero."""
        ...


class ReservationRepository(Protocol):
    def get(self, order_id: str) -> Reservation | None: ...

    def add(self, reservation: Reservation) -> None:
        """The reservation of an order that has none."""
        ...

    def move(self, order_id: str, *, from_status: ReservationStatus, to: ReservationStatus) -> None:
        """The order's reservation from ``from_status`` (still) to ``to``."""
        ...


class PurchaseOrderRepository(Protocol):
    def get(self, po_id: str) -> PurchaseOrder | None: ...

    def list_newest_first(
        self, *, status: PurchaseOrderStatus | None, limit: int, cursor: str | None
    ) -> Page[PurchaseOrder]: ...

    def add(self, po: PurchaseOrder) -> None:
        """Draft ``po`` and mark its sku as having an open one, if it is still due and has none."""
        ...

    def mark_received(self, po: PurchaseOrder) -> None:
        """``po`` (already in its received state) replaces the drafted one."""
        ...


class RequestKeys(Protocol):
    """Idempotency-Key records (tandem.shared.request_keys)."""

    def get(self, caller: str, key: str) -> KeyRecord | None: ...

    def claim(self, record: KeyRecord, *, now: datetime) -> None:
        """Write ``record`` unless a live one holds its key (then ``ConditionFailed("idempotency")``)."""
        ...


class UnitOfWork(Protocol):
    """One use case's reads and its one all-or-nothing write (nothing is written without ``commit``)."""

    @property
    def products(self) -> ProductRepository: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def reservations(self) -> ReservationRepository: ...

    @property
    def purchase_orders(self) -> PurchaseOrderRepository: ...

    @property
    def request_keys(self) -> RequestKeys: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def record(self, envelope: Envelope[Any]) -> None: ...

    def commit(self) -> None: ...
