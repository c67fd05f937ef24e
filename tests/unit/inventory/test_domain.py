"""Inventory rules, commands and the stock ledger arithmetic (pure domain)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import AdjustStock, CreateProduct, ProductFields, ReceiveStock, ReserveStock
from tandem.inventory.domain.errors import InsufficientStock, InvalidProduct, InvalidStockRequest
from tandem.inventory.domain.model import MovementKind, StockLevel, TaxCategory, movement
from tandem.shared.errors import http_status

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


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


@pytest.mark.parametrize("sku", ["A", "MUG-001", "9", "A" * 32, "X-Y-Z"])
def test_valid_skus(sku):
    assert rules.sku_error(sku) is None


@pytest.mark.parametrize("sku", ["", "-A", "mug", "A" * 33, "A B", "A_B", "Ä"])
def test_invalid_skus(sku):
    assert rules.sku_error(sku)


@pytest.mark.parametrize(
    ("price", "currency", "ok"),
    [
        ("0.01", "EUR", True),
        ("12.5", "EUR", True),
        ("12.50", "EUR", True),
        ("0", "EUR", False),
        ("-1", "EUR", False),
        ("1.005", "EUR", False),
        ("1000000", "EUR", False),
        ("1999", "JPY", True),
        ("1999.00", "JPY", True),
        ("1999.5", "JPY", False),
        ("1.005", "KWD", True),
        ("1.005", None, True),  # before the currency is known: at most 4 decimals
        ("1.00005", None, False),
    ],
)
def test_prices_are_positive_and_no_finer_than_the_currency_s_minor_unit(price, currency, ok):
    assert (rules.price_error(Decimal(price), currency) is None) is ok


def test_a_yen_price_with_decimals_is_refused_with_a_clear_message():
    with pytest.raises(InvalidProduct) as raised:
        CreateProduct(sku="TEA-JP", fields=_fields(unit_price=Decimal("1999.5"), currency="JPY"))
    assert raised.value.details == [{"field": "unit_price", "message": "must be a whole number of JPY"}]
    assert http_status(raised.value) == 422


def test_a_product_with_several_broken_rules_reports_each_field():
    with pytest.raises(InvalidProduct) as raised:
        CreateProduct(
            sku="bad sku", fields=_fields(name=" ", unit_price=Decimal("1.234"), reorder_point=-1, reorder_quantity=0)
        )
    assert {d["field"] for d in raised.value.details} == {
        "sku",
        "name",
        "unit_price",
        "reorder_point",
        "reorder_quantity",
    }
    assert http_status(raised.value) == 422


def test_reserve_command_merges_duplicate_skus_sorted():
    command = ReserveStock(order_id="o1", lines=(("B", 1), ("A", 2), ("B", 3)))
    assert command.lines == (("A", 2), ("B", 4))


@pytest.mark.parametrize("lines", [(), (("A", 0),), (("bad", 1),), tuple((f"S{i}", 1) for i in range(21))])
def test_reserve_command_refuses_bad_lines(lines):
    with pytest.raises(InvalidStockRequest):
        ReserveStock(order_id="o1", lines=lines)


@pytest.mark.parametrize("delta", [0, True, 10_000_000])
def test_adjustment_delta_is_a_non_zero_integer(delta):
    with pytest.raises(InvalidStockRequest):
        AdjustStock(sku="A", delta=delta, reason="count")


def test_receipt_needs_a_positive_quantity():
    with pytest.raises(InvalidStockRequest):
        ReceiveStock(sku="A", quantity=0)


def _move(kind: MovementKind, quantity: int):
    return movement(kind, "A", quantity, id=uuid4(), at=NOW)


def test_movements_move_on_hand_and_reserved_as_documented():
    level = StockLevel("A")
    for kind, quantity in [
        (MovementKind.RECEIPT, 10),
        (MovementKind.RESERVATION, 4),
        (MovementKind.RELEASE, 1),
        (MovementKind.SHIPMENT, 2),
        (MovementKind.ADJUSTMENT, -3),
    ]:
        level = level.apply(_move(kind, quantity))
    assert (level.on_hand, level.reserved, level.available, level.version) == (5, 1, 4, 5)


def test_reserving_more_than_available_is_insufficient_stock_with_the_shortage_as_json():
    level = StockLevel("A", on_hand=5, reserved=3)
    with pytest.raises(InsufficientStock) as raised:
        level.apply(_move(MovementKind.RESERVATION, 3))
    assert json.loads(str(raised.value)) == {"shortages": [{"sku": "A", "requested": 3, "available": 2}]}
    assert http_status(raised.value) == 409 and raised.value.code == "insufficient_stock"


def test_an_adjustment_cannot_take_away_reserved_stock():
    with pytest.raises(InsufficientStock):
        StockLevel("A", on_hand=5, reserved=3).apply(_move(MovementKind.ADJUSTMENT, -3))


@pytest.mark.parametrize(
    ("available", "point", "open_order", "due"),
    [(5, 5, False, True), (6, 5, False, False), (0, 0, False, True), (0, 5, True, False)],
)
def test_reorder_is_due_at_or_below_the_reorder_point_without_an_open_order(available, point, open_order, due):
    assert rules.needs_reorder(active=True, available=available, reorder_point=point, has_open_order=open_order) is due
    assert (
        rules.needs_reorder(active=False, available=available, reorder_point=point, has_open_order=open_order) is False
    )
