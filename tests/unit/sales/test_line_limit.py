"""Sales and inventory agree on how many lines one order may have.

Inventory reserves all lines of an order in one DynamoDB transaction, so it takes at most its
MAX_LINES; sales must refuse more at POST /orders (422) instead of accepting an order the saga
can only reject. Tests may cross contexts (code may not): this one ties the two rules together.
"""

from __future__ import annotations

import pytest
from tandem.inventory.domain import rules as inventory_rules
from tandem.inventory.domain.commands import ReserveStock
from tandem.inventory.domain.errors import InvalidStockRequest
from tandem.sales.domain import rules as sales_rules
from tandem.sales.domain.errors import InvalidOrder

from .builders import command


def _lines(count: int) -> tuple[tuple[str, int], ...]:
    return tuple((f"SKU-{n}", 1) for n in range(count))


def test_sales_accepts_exactly_as_many_lines_as_inventory_reserves_at_once():
    assert sales_rules.MAX_LINES == inventory_rules.MAX_LINES == 20


def test_the_largest_order_sales_accepts_is_one_inventory_can_reserve():
    largest = _lines(sales_rules.MAX_LINES)

    command(*largest).check_shape()
    assert len(ReserveStock(order_id="o-1", lines=largest).lines) == sales_rules.MAX_LINES


def test_an_order_inventory_could_not_reserve_is_refused_by_sales_first():
    too_many = _lines(sales_rules.MAX_LINES + 1)

    with pytest.raises(InvalidStockRequest):
        ReserveStock(order_id="o-1", lines=too_many)
    with pytest.raises(InvalidOrder):
        command(*too_many).check_shape()
