"""Inventory use cases with in-memory fakes: catalog, bookings, reservations, purchase orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from tandem.inventory.domain.commands import (
    AdjustStock,
    CreateProduct,
    ProductFields,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipOrder,
    UpdateProduct,
)
from tandem.inventory.domain.errors import (
    CurrencyNotSupported,
    InsufficientStock,
    ProductAlreadyExists,
    ProductNotFound,
    PurchaseOrderAlreadyReceived,
)
from tandem.inventory.domain.model import ReservationStatus, TaxCategory
from tandem.inventory.service import InventoryService
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import TransactionConflict

from .fakes import FakeUnitOfWork, Store

CTX = MessageContext("corr", "req")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CLOCK = Clock(now=lambda: NOW, new_id=uuid4, sleep=lambda _: None)


def _fields(**overrides) -> ProductFields:
    values = {
        "name": "Mug",
        "unit_price": Decimal("12.50"),
        "currency": "EUR",
        "tax_category": TaxCategory.STANDARD,
        "reorder_point": 5,
        "reorder_quantity": 20,
    }
    return ProductFields(**{**values, **overrides})


@pytest.fixture
def store() -> Store:
    return Store()


def _service(uow, clock=CLOCK) -> InventoryService:
    return InventoryService(lambda: uow, clock, base_currency="EUR")


@pytest.fixture
def inventory(store) -> InventoryService:
    return InventoryService(lambda: FakeUnitOfWork(store), CLOCK, base_currency="EUR")


def _product(inventory, sku="MUG", stock=0, **fields):
    inventory.create_product(CreateProduct(sku=sku, fields=_fields(**fields)), CTX)
    if stock:
        inventory.receive_stock(ReceiveStock(sku=sku, quantity=stock), CTX)


def test_a_new_product_has_revision_1_an_empty_summary_and_product_created(store, inventory):
    _product(inventory)
    assert store.products["MUG"].revision == 1 and store.summaries["MUG"].level.available == 0
    [created] = store.events("ProductCreated")
    assert created.sku == "MUG" and created.unit_price == Decimal("12.50") and created.revision == 1


def test_creating_a_known_sku_is_refused(inventory):
    _product(inventory)
    with pytest.raises(ProductAlreadyExists):
        _product(inventory)


def test_prices_in_another_currency_are_refused(inventory):
    with pytest.raises(CurrencyNotSupported) as raised:
        _product(inventory, currency="USD")
    assert raised.value.code == "currency_not_supported"


def test_an_update_bumps_the_revision_and_an_identical_one_writes_nothing(store, inventory):
    _product(inventory)
    command = UpdateProduct(sku="MUG", fields=_fields(unit_price=Decimal("13.00"), active=False))
    updated = inventory.update_product(command, CTX)
    commits = store.commits
    again = inventory.update_product(command, CTX)
    assert updated.revision == again.revision == 2 and store.commits == commits
    assert store.summaries["MUG"].active is False
    assert [e.revision for e in store.events("ProductUpdated")] == [2]


def test_bookings_on_an_unknown_sku_are_product_not_found(inventory):
    with pytest.raises(ProductNotFound):
        inventory.receive_stock(ReceiveStock(sku="NOPE", quantity=1), CTX)


def test_receipt_event_reports_the_totals_after_the_booking(store, inventory):
    _product(inventory, stock=7)
    [received] = store.events("StockReceived")
    assert (received.on_hand, received.available, received.quantity) == (7, 7, 7)


def test_negative_adjustment_beyond_available_changes_nothing(store, inventory):
    _product(inventory, stock=3)
    commits = store.commits
    with pytest.raises(InsufficientStock):
        inventory.adjust_stock(AdjustStock(sku="MUG", delta=-4, reason="lost"), CTX)
    assert store.commits == commits


def test_reserve_all_lines_or_nothing_and_report_every_shortage(store, inventory):
    _product(inventory, "A", stock=5)
    _product(inventory, "B", stock=1)
    _product(inventory, "C", stock=9, active=False)
    command = ReserveStock(order_id="o1", lines=(("A", 2), ("B", 2), ("C", 1), ("D", 1)))
    with pytest.raises(InsufficientStock) as raised:
        inventory.reserve(command, CTX)
    assert raised.value.shortages == [
        {"sku": "B", "requested": 2, "available": 1},
        {"sku": "C", "requested": 1, "available": 0},
        {"sku": "D", "requested": 1, "available": 0},
    ]
    assert store.reservations == {} and store.summaries["A"].level.reserved == 0


def test_a_repeated_reserve_returns_the_first_reservation(store, inventory):
    _product(inventory, stock=5)
    first = inventory.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), CTX)
    again = inventory.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), CTX)
    assert again == first and store.summaries["MUG"].level.reserved == 2
    assert len(store.events("StockReserved")) == 1


def test_release_then_ship_moves_nothing_and_ship_twice_ships_once(store, inventory):
    _product(inventory, stock=5)
    inventory.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), CTX)
    inventory.reserve(ReserveStock(order_id="o2", lines=(("MUG", 1),)), CTX)

    assert inventory.release(ReleaseStock(order_id="o1", reason="x"), CTX) is True
    assert inventory.ship(ShipOrder(order_id="o1"), CTX) is None
    assert inventory.ship(ShipOrder(order_id="o2"), CTX) is not None
    assert inventory.ship(ShipOrder(order_id="o2"), CTX) is None

    level = store.summaries["MUG"].level
    assert (level.on_hand, level.reserved, level.available) == (4, 0, 4)
    assert store.reservations["o2"].status is ReservationStatus.SHIPPED


class ConflictingUnitOfWork(FakeUnitOfWork):
    """Raises TransactionConflict on the first ``conflicts`` commits."""

    def __init__(self, store, conflicts: int) -> None:
        super().__init__(store)
        self.conflicts = conflicts

    def commit(self) -> None:
        if self.conflicts:
            self.conflicts -= 1
            self._ops = []
            raise TransactionConflict()
        super().commit()


def test_transaction_conflicts_are_retried_a_few_times_then_propagate(store, inventory):
    _product(inventory, stock=5)
    pauses: list[float] = []
    clock = Clock(now=lambda: NOW, new_id=uuid4, sleep=pauses.append)
    command = ReserveStock(order_id="o1", lines=(("MUG", 1),))
    _service(ConflictingUnitOfWork(store, 4), clock).reserve(command, CTX)
    # the one jitter of tandem.shared.retry: jittered_pause(n) is 0.02..0.08 seconds times the attempt n
    assert len(pauses) == 4 and all(0.02 * n <= p <= 0.08 * n for n, p in enumerate(pauses, start=1))
    with pytest.raises(TransactionConflict):
        _service(ConflictingUnitOfWork(store, 5), clock).reserve(ReserveStock(order_id="o2", lines=(("MUG", 1),)), CTX)


def test_reorder_check_drafts_once_per_due_sku_and_receipt_reopens_it(store, inventory):
    _product(inventory, "LOW", stock=2)
    _product(inventory, "OK", stock=50)
    [po] = inventory.run_reorder_check(CTX)
    assert (po.sku, po.quantity) == ("LOW", 20)
    assert inventory.run_reorder_check(CTX) == []

    received, level = inventory.receive_purchase_order(po.id, CTX)
    assert received.status.value == "received" and level.on_hand == 22
    assert store.summaries["LOW"].open_purchase_order_id is None
    with pytest.raises(PurchaseOrderAlreadyReceived):
        inventory.receive_purchase_order(po.id, CTX)
