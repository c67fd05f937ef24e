"""Physical counts (even below what is reserved) and the Idempotency-Key of stock bookings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from tandem.inventory.domain.commands import (
    AdjustStock,
    CountStock,
    CreateProduct,
    ProductFields,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipOrder,
)
from tandem.inventory.domain.errors import InsufficientStock, InvalidStockRequest, ProductNotFound
from tandem.inventory.domain.model import MovementKind, StockLevel, TaxCategory
from tandem.inventory.service import InventoryService
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.request_keys import IdempotencyKeyReused, Reply, fingerprint

from .fakes import FakeUnitOfWork, Store

CTX = MessageContext("corr", "req")
NOW = [datetime(2026, 11, 27, 12, 0, tzinfo=UTC)]
CLOCK = Clock(now=lambda: NOW[0], new_id=uuid4, sleep=lambda _: None)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def inventory(store) -> InventoryService:
    NOW[0] = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    service = InventoryService(lambda: FakeUnitOfWork(store), CLOCK, base_currency="EUR")
    fields = ProductFields("Mug", Decimal("12.50"), "EUR", TaxCategory.STANDARD, reorder_point=0, reorder_quantity=1)
    service.create_product(CreateProduct(sku="MUG", fields=fields), CTX)
    return service


def _reserve(inventory, order_id: str, quantity: int) -> None:
    inventory.reserve(ReserveStock(order_id=order_id, lines=(("MUG", quantity),)), CTX)


def test_a_count_sets_on_hand_to_what_was_found_and_publishes_stock_counted(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=10), CTX)
    _reserve(inventory, "o1", 3)
    answer = inventory.count_stock(CountStock(sku="MUG", counted=8, reason="stock take"), CTX)
    assert answer == {"sku": "MUG", "on_hand": 8, "reserved": 3, "available": 5, "at_risk": 0}
    [counted] = store.events("StockCounted")
    assert (counted.counted, counted.delta, counted.on_hand, counted.available, counted.at_risk) == (8, -2, 8, 5, 0)
    assert counted.reason == "stock take"
    assert store.events("StockShortfallDetected") == []
    move = store.movements[-1]
    assert move.kind is MovementKind.COUNT and move.on_hand_delta == -2 and move.quantity == -2


def test_a_count_below_what_is_reserved_leaves_nothing_available_and_the_shortfall_at_risk(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=10), CTX)
    _reserve(inventory, "o1", 4)
    _reserve(inventory, "o2", 5)
    answer = inventory.count_stock(CountStock(sku="MUG", counted=6), CTX)
    assert answer == {"sku": "MUG", "on_hand": 6, "reserved": 9, "available": 0, "at_risk": 3}
    [short] = store.events("StockShortfallDetected")
    assert (short.sku, short.counted, short.reserved, short.at_risk) == ("MUG", 6, 9, 3)
    # Nothing more can be reserved or adjusted away; goods in first fill the shortfall.
    with pytest.raises(InsufficientStock):
        _reserve(inventory, "o3", 1)
    with pytest.raises(InsufficientStock):
        inventory.adjust_stock(AdjustStock(sku="MUG", delta=-1, reason="broken"), CTX)
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=2), CTX)
    assert store.summaries["MUG"].level == StockLevel("MUG", on_hand=8, reserved=9, version=5)
    assert (store.summaries["MUG"].level.available, store.summaries["MUG"].level.at_risk) == (0, 1)
    # The reservations stay: one can still ship (it is covered), or be released (the risk goes).
    inventory.ship(ShipOrder(order_id="o1"), CTX)
    inventory.release(ReleaseStock(order_id="o2"), CTX)
    level = store.summaries["MUG"].level
    assert (level.on_hand, level.reserved, level.available, level.at_risk) == (4, 0, 4, 0)


def test_a_reservation_with_no_stock_behind_it_cannot_ship(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=5), CTX)
    _reserve(inventory, "o1", 5)
    inventory.count_stock(CountStock(sku="MUG", counted=2), CTX)
    with pytest.raises(InsufficientStock):
        inventory.ship(ShipOrder(order_id="o1"), CTX)


def test_a_count_of_what_is_on_hand_is_recorded_too(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=5), CTX)
    assert inventory.count_stock(CountStock(sku="MUG", counted=5), CTX)["on_hand"] == 5
    assert store.movements[-1].on_hand_delta == 0 and len(store.events("StockCounted")) == 1


@pytest.mark.parametrize("counted", [-1, 1_000_001, True, "3"])
def test_a_count_must_be_a_whole_number_from_0(counted):
    with pytest.raises(InvalidStockRequest):
        CountStock(sku="MUG", counted=counted)


def test_counting_an_unknown_sku_is_product_not_found(inventory):
    with pytest.raises(ProductNotFound):
        inventory.count_stock(CountStock(sku="NOPE", counted=1), CTX)


def _keyed(body: dict, key: str = "k-1", caller: str = "staff-1") -> Reply[StockLevel]:
    return Reply(render=lambda level: {"on_hand": level.on_hand}, fingerprint=fingerprint(body), caller=caller, key=key)


def test_a_repeated_key_with_the_same_body_answers_the_first_answer_and_books_nothing(store, inventory):
    receipt = ReceiveStock(sku="MUG", quantity=4)
    first = inventory.receive_stock(receipt, CTX, _keyed({"quantity": 4}))
    again = inventory.receive_stock(receipt, CTX, _keyed({"quantity": 4}))
    assert first == again == {"on_hand": 4}
    assert store.summaries["MUG"].level.on_hand == 4 and len(store.events("StockReceived")) == 1
    # Another caller's key of the same name is its own; no key at all books every time.
    inventory.receive_stock(receipt, CTX, _keyed({"quantity": 4}, caller="staff-2"))
    inventory.receive_stock(receipt, CTX)
    assert store.summaries["MUG"].level.on_hand == 12


def test_a_repeated_key_with_another_body_is_refused_and_books_nothing(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=4), CTX, _keyed({"quantity": 4}))
    with pytest.raises(IdempotencyKeyReused):
        inventory.adjust_stock(AdjustStock(sku="MUG", delta=-1, reason="x"), CTX, _keyed({"delta": -1}))
    assert store.summaries["MUG"].level.on_hand == 4


def test_a_failed_booking_does_not_use_its_key_up(store, inventory):
    with pytest.raises(InsufficientStock):
        inventory.adjust_stock(AdjustStock(sku="MUG", delta=-1, reason="x"), CTX, _keyed({"delta": -1}))
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=1), CTX)
    assert inventory.adjust_stock(AdjustStock(sku="MUG", delta=-1, reason="x"), CTX, _keyed({"delta": -1})) == {
        "on_hand": 0
    }


def test_a_key_is_honoured_for_24_hours(store, inventory):
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=4), CTX, _keyed({"quantity": 4}))
    NOW[0] += timedelta(hours=24, seconds=1)
    inventory.receive_stock(ReceiveStock(sku="MUG", quantity=4), CTX, _keyed({"quantity": 4}))
    assert store.summaries["MUG"].level.on_hand == 8


def test_a_key_taken_by_a_concurrent_retry_answers_as_that_one_did(store):
    """The read saw no record, but the claim in the transaction finds the winner's: its answer, once."""
    service = InventoryService(lambda: FakeUnitOfWork(store), CLOCK, base_currency="EUR")
    fields = ProductFields("Mug", Decimal("1"), "EUR", TaxCategory.STANDARD, reorder_point=0, reorder_quantity=1)
    service.create_product(CreateProduct(sku="MUG", fields=fields), CTX)
    winner = _keyed({"quantity": 4})
    service.receive_stock(ReceiveStock(sku="MUG", quantity=4), CTX, winner)
    record = store.keys[("staff-1", "k-1")]
    blind = InventoryService(_blind_reads(store), CLOCK, base_currency="EUR")
    assert blind.receive_stock(ReceiveStock(sku="MUG", quantity=4), CTX, winner) == record.response
    assert store.summaries["MUG"].level.on_hand == 4


def _blind_reads(store: Store):
    def make() -> FakeUnitOfWork:
        uow = FakeUnitOfWork(store)
        uow.request_keys.get = lambda caller, key: None  # type: ignore[method-assign]
        return uow

    return make
