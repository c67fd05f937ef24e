"""Inventory use cases with in-memory fakes: catalog, bookings, reservations, purchase orders."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from tandem.inventory import fulfillment, purchasing, service
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
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import TransactionConflict

from .fakes import FakeReader, FakeUnitOfWork, Store

CTX = MessageContext("corr", "req")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CLOCK = service.Clock(now=lambda: NOW, ids=uuid4, sleep=lambda _: None)


def _fields(**overrides) -> ProductFields:
    values = {"name": "Mug", "unit_price": Decimal("12.50"), "currency": "EUR",
              "tax_category": TaxCategory.STANDARD, "reorder_point": 5, "reorder_quantity": 20}
    return ProductFields(**{**values, **overrides})


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def ports(store):
    return FakeUnitOfWork(store), FakeReader(store)


def _product(ports, sku="MUG", stock=0, **fields):
    uow, reader = ports
    service.create_product(CreateProduct(sku=sku, fields=_fields(**fields)), uow, CTX, base_currency="EUR",
                           clock=CLOCK)
    if stock:
        service.receive_stock(ReceiveStock(sku=sku, quantity=stock), uow, reader, CTX, clock=CLOCK)


def test_a_new_product_has_revision_1_an_empty_summary_and_product_created(store, ports):
    _product(ports)
    assert store.products["MUG"].revision == 1 and store.summaries["MUG"].level.available == 0
    [created] = store.events("ProductCreated")
    assert created.sku == "MUG" and created.unit_price == Decimal("12.50") and created.revision == 1


def test_creating_a_known_sku_is_refused(ports):
    _product(ports)
    with pytest.raises(ProductAlreadyExists):
        _product(ports)


def test_prices_in_another_currency_are_refused(ports):
    with pytest.raises(CurrencyNotSupported) as raised:
        _product(ports, currency="USD")
    assert raised.value.code == "currency_not_supported"


def test_an_update_bumps_the_revision_and_an_identical_one_writes_nothing(store, ports):
    _product(ports)
    uow, reader = ports
    command = UpdateProduct(sku="MUG", fields=_fields(unit_price=Decimal("13.00"), active=False))
    updated = service.update_product(command, uow, reader, CTX, base_currency="EUR", clock=CLOCK)
    commits = store.commits
    again = service.update_product(command, uow, reader, CTX, base_currency="EUR", clock=CLOCK)
    assert updated.revision == again.revision == 2 and store.commits == commits
    assert store.summaries["MUG"].active is False
    assert [e.revision for e in store.events("ProductUpdated")] == [2]


def test_bookings_on_an_unknown_sku_are_product_not_found(ports):
    uow, reader = ports
    with pytest.raises(ProductNotFound):
        service.receive_stock(ReceiveStock(sku="NOPE", quantity=1), uow, reader, CTX, clock=CLOCK)


def test_receipt_event_reports_the_totals_after_the_booking(store, ports):
    _product(ports, stock=7)
    [received] = store.events("StockReceived")
    assert (received.on_hand, received.available, received.quantity) == (7, 7, 7)


def test_negative_adjustment_beyond_available_changes_nothing(store, ports):
    _product(ports, stock=3)
    uow, reader = ports
    commits = store.commits
    with pytest.raises(InsufficientStock):
        service.adjust_stock(AdjustStock(sku="MUG", delta=-4, reason="lost"), uow, reader, CTX, clock=CLOCK)
    assert store.commits == commits


def test_reserve_all_lines_or_nothing_and_report_every_shortage(store, ports):
    _product(ports, "A", stock=5)
    _product(ports, "B", stock=1)
    _product(ports, "C", stock=9, active=False)
    uow, reader = ports
    command = ReserveStock(order_id="o1", lines=(("A", 2), ("B", 2), ("C", 1), ("D", 1)))
    with pytest.raises(InsufficientStock) as raised:
        fulfillment.reserve(command, uow, reader, CTX, clock=CLOCK)
    assert raised.value.shortages == [{"sku": "B", "requested": 2, "available": 1},
                                      {"sku": "C", "requested": 1, "available": 0},
                                      {"sku": "D", "requested": 1, "available": 0}]
    assert store.reservations == {} and store.summaries["A"].level.reserved == 0


def test_a_repeated_reserve_returns_the_first_reservation(store, ports):
    _product(ports, stock=5)
    uow, reader = ports
    first = fulfillment.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), uow, reader, CTX, clock=CLOCK)
    again = fulfillment.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), uow, reader, CTX, clock=CLOCK)
    assert again == first and store.summaries["MUG"].level.reserved == 2
    assert len(store.events("StockReserved")) == 1


def test_release_then_ship_moves_nothing_and_ship_twice_ships_once(store, ports):
    _product(ports, stock=5)
    uow, reader = ports
    fulfillment.reserve(ReserveStock(order_id="o1", lines=(("MUG", 2),)), uow, reader, CTX, clock=CLOCK)
    fulfillment.reserve(ReserveStock(order_id="o2", lines=(("MUG", 1),)), uow, reader, CTX, clock=CLOCK)

    assert fulfillment.release(ReleaseStock(order_id="o1", reason="x"), uow, reader, CTX, clock=CLOCK) is True
    assert fulfillment.ship(ShipOrder(order_id="o1"), uow, reader, CTX, clock=CLOCK) is None
    assert fulfillment.ship(ShipOrder(order_id="o2"), uow, reader, CTX, clock=CLOCK) is not None
    assert fulfillment.ship(ShipOrder(order_id="o2"), uow, reader, CTX, clock=CLOCK) is None

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


def test_transaction_conflicts_are_retried_a_few_times_then_propagate(store, ports):
    _product(ports, stock=5)
    reader = ports[1]
    pauses: list[float] = []
    clock = service.Clock(now=lambda: NOW, ids=uuid4, sleep=pauses.append)
    command = ReserveStock(order_id="o1", lines=(("MUG", 1),))
    fulfillment.reserve(command, ConflictingUnitOfWork(store, 4), reader, CTX, clock=clock)
    assert len(pauses) == 4 and all(0.02 <= p <= 0.1 for p in pauses)
    with pytest.raises(TransactionConflict):
        fulfillment.reserve(ReserveStock(order_id="o2", lines=(("MUG", 1),)), ConflictingUnitOfWork(store, 5),
                            reader, CTX, clock=clock)


def test_reorder_check_drafts_once_per_due_sku_and_receipt_reopens_it(store, ports):
    _product(ports, "LOW", stock=2)
    _product(ports, "OK", stock=50)
    uow, reader = ports
    [po] = purchasing.run_reorder_check(uow, reader, CTX, clock=CLOCK)
    assert (po.sku, po.quantity) == ("LOW", 20)
    assert purchasing.run_reorder_check(uow, reader, CTX, clock=CLOCK) == []

    received, level = purchasing.receive_purchase_order(po.id, uow, reader, CTX, clock=CLOCK)
    assert received.status.value == "received" and level.on_hand == 22
    assert store.summaries["LOW"].open_purchase_order_id is None
    with pytest.raises(PurchaseOrderAlreadyReceived):
        purchasing.receive_purchase_order(po.id, uow, reader, CTX, clock=CLOCK)
