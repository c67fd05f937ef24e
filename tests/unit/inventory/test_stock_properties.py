"""Property: whatever the sequence of stock operations (counts below the reservations included), no total
goes below zero, what is reserved but not on hand is at risk, and the summary is the sum of the ledger's
movements (service + fakes enforcing the adapter's conditions)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st
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
from tandem.inventory.domain.errors import InsufficientStock
from tandem.inventory.domain.model import TaxCategory
from tandem.inventory.service import InventoryService
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from .fakes import FakeUnitOfWork, Store

CTX = MessageContext("corr", "req")
CLOCK = Clock(now=lambda: datetime(2026, 1, 1, tzinfo=UTC), new_id=uuid4, sleep=lambda _: None)
SKUS = ("A", "B")
ORDERS = tuple(f"o{i}" for i in range(6))

operations = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.sampled_from(SKUS), st.integers(1, 5)),
        st.tuples(st.just("adjust"), st.sampled_from(SKUS), st.integers(-6, 6).filter(bool)),
        st.tuples(st.just("count"), st.sampled_from(SKUS), st.integers(0, 8)),
        st.tuples(
            st.just("reserve"),
            st.sampled_from(ORDERS),
            st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 4)), min_size=1, max_size=3),
        ),
        st.tuples(st.just("release"), st.sampled_from(ORDERS)),
        st.tuples(st.just("ship"), st.sampled_from(ORDERS)),
    ),
    max_size=40,
)


def _run(step, inventory: InventoryService) -> None:
    kind = step[0]
    if kind == "receive":
        inventory.receive_stock(ReceiveStock(sku=step[1], quantity=step[2]), CTX)
    elif kind == "adjust":
        inventory.adjust_stock(AdjustStock(sku=step[1], delta=step[2], reason="count"), CTX)
    elif kind == "count":
        inventory.count_stock(CountStock(sku=step[1], counted=step[2]), CTX)
    elif kind == "reserve":
        inventory.reserve(ReserveStock(order_id=step[1], lines=tuple(step[2])), CTX)
    elif kind == "release":
        inventory.release(ReleaseStock(order_id=step[1]), CTX)
    else:
        inventory.ship(ShipOrder(order_id=step[1]), CTX)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_any_sequence_keeps_totals_non_negative_and_equal_to_the_ledger(steps):
    store = Store()
    inventory = InventoryService(lambda: FakeUnitOfWork(store), CLOCK, base_currency="EUR")
    fields = ProductFields(
        name="P",
        unit_price=Decimal("1.00"),
        currency="EUR",
        tax_category=TaxCategory.ZERO,
        reorder_point=0,
        reorder_quantity=1,
    )
    for sku in SKUS:
        inventory.create_product(CreateProduct(sku=sku, fields=fields), CTX)
    for step in steps:
        try:
            _run(step, inventory)
        except InsufficientStock:
            pass
        for sku in SKUS:
            level = store.summaries[sku].level
            assert level.on_hand >= 0 and level.reserved >= 0 and level.available >= 0 and level.at_risk >= 0
            assert level.available - level.at_risk == level.on_hand - level.reserved
            assert level.available == 0 or level.at_risk == 0
        if step[0] == "count":
            assert store.summaries[step[1]].level.on_hand == step[2]
    for sku in SKUS:
        moves = [m for m in store.movements if m.sku == sku]
        level = store.summaries[sku].level
        assert level.on_hand == sum(m.on_hand_delta for m in moves)
        assert level.reserved == sum(m.reserved_delta for m in moves)
        assert level.version == len(moves)
    reserved = {sku: 0 for sku in SKUS}
    for reservation in store.reservations.values():
        if reservation.status.value == "reserved":
            for sku, quantity in reservation.lines:
                reserved[sku] += quantity
    assert reserved == {sku: store.summaries[sku].level.reserved for sku in SKUS}
