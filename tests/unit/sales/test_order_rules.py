"""The Order aggregate: placement rules, pricing through the order, status transitions."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.sales.domain import placement
from tandem.sales.domain.commands import Shortage
from tandem.sales.domain.errors import (
    CurrencyNotSupported,
    InvalidOrder,
    OrderNotCancellable,
    OrderNotConfirmable,
    OrderNotShippable,
    SagaAlreadyStarted,
)
from tandem.sales.domain.events import OrderCancelled, OrderPlaced, OrderRejected, OrderShipped
from tandem.sales.domain.model import OrderStatus

from .builders import CATALOG, LINE_POLICY, NOW, POLICY, RATES, command, order, product


def _fields(error: InvalidOrder) -> list[str]:
    return [d["field"] for d in error.details]


def test_lines_are_priced_from_the_catalog_with_the_configured_tax_rates():
    placed = order(("TEA-001", 3), ("MUG-002", 1))

    assert [(li.unit_price, li.tax_rate, li.net) for li in placed.lines] == [
        (Decimal("4.90"), Decimal("0.10"), Decimal("14.70")),
        (Decimal("12.50"), Decimal("0.20"), Decimal("12.50")),
    ]
    assert (placed.net_total, placed.tax_total, placed.gross_total) == (
        Decimal("27.20"),
        Decimal("3.97"),
        Decimal("31.17"),
    )
    assert placed.status is OrderStatus.PLACED and placed.currency == "EUR"


def test_order_placed_carries_the_order_lines_as_decimal_strings():
    [event] = order(("TEA-001", 3)).events

    assert isinstance(event, OrderPlaced)
    data = event.model_dump(mode="json")
    assert data["lines"] == [
        {
            "sku": "TEA-001",
            "name": "Product TEA-001",
            "quantity": 3,
            "unit_price": "4.90",
            "tax_category": "reduced",
            "tax_rate": "0.10",
        }
    ]
    assert (data["net_total"], data["tax_total"], data["gross_total"]) == ("14.70", "1.47", "16.17")
    assert data["tax_rounding"] == "total" and data["payment_method"] == "card"


def test_the_rounding_mode_decides_the_vat_of_many_small_lines():
    catalog = {f"P{n}": product(f"P{n}", "0.03", "standard") for n in range(3)}
    lines = command(("P0", 1), ("P1", 1), ("P2", 1))

    by_line = placement.place(lines, catalog, LINE_POLICY, order_id=uuid4(), now=NOW)
    by_total = placement.place(lines, catalog, POLICY, order_id=uuid4(), now=NOW)

    assert by_line.tax_total == Decimal("0.03") and by_line.tax_rounding == "line"  # 3 x round(0.006)
    assert by_total.tax_total == Decimal("0.02") and by_total.tax_rounding == "total"  # round(0.018)


@pytest.mark.parametrize(
    ("price", "count", "rate", "vat"),
    [("10.02", 3, "0.20", "6.01"), ("0.99", 20, "0.19", "3.76")],  # not 6.00 / 3.80 (per line)
)
def test_an_order_rounds_vat_once_per_category_on_its_base(price, count, rate, vat):
    catalog = {f"P{n}": product(f"P{n}", price, "standard") for n in range(count)}
    policy = placement.PricingPolicy(base_currency="EUR", tax_rates={"standard": Decimal(rate)})

    placed = placement.place(command(*((f"P{n}", 1) for n in range(count))), catalog, policy, order_id=uuid4(), now=NOW)

    assert str(placed.tax_total) == vat
    [event] = placed.events
    assert event.model_dump(mode="json")["tax_total"] == vat


def test_a_yen_order_is_priced_in_whole_yen():
    policy = placement.PricingPolicy(base_currency="JPY", tax_rates=RATES)
    catalog = {"TEA-JP": product("TEA-JP", "1999", "reduced", currency="JPY")}

    placed = placement.place(command(("TEA-JP", 1)), catalog, policy, order_id=uuid4(), now=NOW)

    assert [str(x) for x in (placed.net_total, placed.tax_total, placed.gross_total)] == ["1999", "200", "2199"]
    data = placed.events[0].model_dump(mode="json")
    assert (data["currency"], data["lines"][0]["unit_price"], data["tax_total"], data["gross_total"]) == (
        "JPY",
        "1999",
        "200",
        "2199",
    )


def test_a_yen_price_with_decimals_is_refused_with_the_line_named():
    policy = placement.PricingPolicy(base_currency="JPY", tax_rates=RATES)
    catalog = {"TEA-JP": product("TEA-JP", "1999.50", "reduced", currency="JPY")}

    with pytest.raises(InvalidOrder) as refused:
        placement.place(command(("TEA-JP", 1)), catalog, policy, order_id=uuid4(), now=NOW)

    assert refused.value.details == [
        {"field": "lines[0].sku", "message": "has unit price 1999.50, which must be a whole number of JPY"}
    ]


@given(quantities=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=3))
def test_gross_is_always_net_plus_tax_to_the_cent(quantities):
    skus = ["TEA-001", "MUG-002", "OLD-003"][: len(quantities)]
    catalog = {**CATALOG, "OLD-003": product("OLD-003", "30.00", "zero")}
    placed = placement.place(command(*zip(skus, quantities, strict=True)), catalog, POLICY, order_id=uuid4(), now=NOW)

    assert placed.gross_total == placed.net_total + placed.tax_total
    assert placed.net_total == sum(li.net for li in placed.lines)
    assert placed.gross_total.as_tuple().exponent == -2


def test_unknown_inactive_and_badly_counted_lines_are_all_reported():
    with pytest.raises(InvalidOrder) as refused:
        order(("NOPE", 1), ("TEA-001", 0), ("OLD-003", 1), ("MUG-002", 1001))

    assert _fields(refused.value) == ["lines[0].sku", "lines[1].quantity", "lines[2].sku", "lines[3].quantity"]


def test_a_sku_twice_is_refused():
    with pytest.raises(InvalidOrder) as refused:
        order(("TEA-001", 1), ("TEA-001", 2))

    assert _fields(refused.value) == ["lines[1].sku"]


def test_more_than_twenty_lines_are_refused_before_any_read():
    command(*((f"S{n}", 1) for n in range(20))).check_shape()
    with pytest.raises(InvalidOrder) as refused:
        command(*((f"S{n}", 1) for n in range(21))).check_shape()

    assert _fields(refused.value) == ["lines"]


def test_a_product_without_a_configured_tax_rate_cannot_be_sold():
    catalog = {"X": product("X", "1.00", "luxury")}
    with pytest.raises(InvalidOrder) as refused:
        placement.place(command(("X", 1)), catalog, POLICY, order_id=uuid4(), now=NOW)

    assert _fields(refused.value) == ["lines[0].sku"]


def test_another_currency_is_refused():
    with pytest.raises(CurrencyNotSupported) as refused:
        order(("TEA-001", 1), currency="USD")

    assert refused.value.code == "currency_not_supported"


# ---- transitions


def test_card_order_waits_for_payment_then_confirms_then_ships():
    placed = order()
    placed.events.clear()

    assert placed.await_payment("token-1") and placed.status is OrderStatus.AWAITING_PAYMENT
    assert placed.confirm("inv-1", "INV-1") and placed.status is OrderStatus.CONFIRMED and placed.task_token is None
    placed.ship()

    assert placed.status is OrderStatus.SHIPPED
    assert isinstance(placed.events[-1], OrderShipped)


def test_saga_is_claimed_by_one_execution_only():
    placed = order()

    assert placed.claim_saga("exec-1") is True
    assert placed.claim_saga("exec-1") is False
    with pytest.raises(SagaAlreadyStarted):
        placed.claim_saga("exec-2")


def test_confirm_twice_with_the_same_invoice_changes_nothing():
    placed = order()
    placed.confirm("inv-1", "INV-1")

    assert placed.confirm("inv-1", "INV-1") is False


def test_a_cancelled_order_is_not_confirmable():
    placed = order()
    placed.cancel("customer_request")

    with pytest.raises(OrderNotConfirmable):
        placed.confirm("inv-1", "INV-1")


def test_cancelling_a_confirmed_order_says_so_and_names_the_invoice():
    placed = order()
    placed.confirm("inv-1", "INV-1")

    placed.cancel("customer_request")

    event = placed.events[-1]
    assert isinstance(event, OrderCancelled) and event.was_confirmed and event.invoice_id == "inv-1"


@pytest.mark.parametrize("close", ["ship", "reject"])
def test_shipped_or_rejected_orders_are_not_cancellable(close):
    placed = order()
    if close == "ship":
        placed.confirm("inv-1", "INV-1")
        placed.ship()
    else:
        placed.reject([Shortage("TEA-001", 3, 1)])

    with pytest.raises(OrderNotCancellable):
        placed.cancel("customer_request")
    assert placed.cancel("payment_timeout", by_saga=True) is False


def test_cancel_twice_records_one_event():
    placed = order()
    placed.events.clear()

    assert placed.cancel("customer_request") is True
    assert placed.cancel("customer_request") is False
    assert len(placed.events) == 1


def test_only_a_confirmed_order_ships():
    with pytest.raises(OrderNotShippable):
        order().ship()


def test_reject_records_the_shortages_once():
    placed = order()
    placed.events.clear()

    assert placed.reject([Shortage("TEA-001", 3, 1)]) is True
    assert placed.reject([Shortage("TEA-001", 3, 1)]) is False
    [event] = placed.events
    assert isinstance(event, OrderRejected) and event.shortages[0].available == 1


def test_the_saga_cancel_drops_the_task_token_the_api_cancel_keeps_it():
    by_saga, by_api = order(), order()
    for placed in (by_saga, by_api):
        placed.await_payment("token")

    by_saga.cancel("payment_timeout", by_saga=True)
    by_api.cancel("customer_request")

    assert by_saga.task_token is None and by_api.task_token == "token"


def test_payment_covers_only_in_the_order_currency_and_amount():
    placed = order(("TEA-001", 3))  # 16.17

    assert placed.covered_by(Decimal("16.17"), "EUR")
    assert not placed.covered_by(Decimal("16.16"), "EUR")
    assert not placed.covered_by(Decimal("100"), "USD")
