"""InventoryOnOrderEventFunction under moto, fed events/inventory_on_order_event/ (EventBridge shape)."""

from __future__ import annotations

import copy
import json

import pytest


@pytest.fixture
def reserved(stack, sample):
    """MUG-001: 10 received, 2 reserved for the sample order."""
    for name in ("create_product", "receive_stock"):
        assert stack.call("InventoryApiFunction", sample(f"inventory_api/{name}"))["statusCode"] == 201
    stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/reserve"))


def _stock(stack) -> dict:
    [item] = [i for i in stack.items("InventoryTable") if i["type"] == "stock"]
    return {k: int(item[k]) for k in ("on_hand", "reserved", "available")}


def _events(stack, event_type: str) -> list[dict]:
    return [
        json.loads(i["detail"])
        for i in stack.items("InventoryTable")
        if i["type"] == "outbox" and i["detail_type"] == event_type
    ]


def test_order_shipped_ships_the_reservation_and_publishes_stock_shipped(stack, sample, reserved):
    result = stack.call("InventoryOnOrderEventFunction", sample("inventory_on_order_event/order_shipped"))

    assert result["stock_moved"] is True
    assert _stock(stack) == {"on_hand": 8, "reserved": 0, "available": 8}
    [shipped] = _events(stack, "StockShipped")
    assert shipped["data"] == {
        "order_id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        "lines": [{"sku": "MUG-001", "quantity": 2}],
    }
    assert shipped["metadata"]["correlation_id"] == "web-order-9d8c7b6a"
    assert shipped["metadata"]["causation_id"] == "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def test_order_cancelled_releases_the_reservation(stack, sample, reserved):
    stack.call("InventoryOnOrderEventFunction", sample("inventory_on_order_event/order_cancelled"))
    assert _stock(stack) == {"on_hand": 10, "reserved": 0, "available": 10}
    [released] = _events(stack, "StockReleased")
    assert released["data"]["reason"] == "customer_request"


def test_the_same_event_twice_changes_nothing_the_second_time(stack, sample, reserved):
    event = sample("inventory_on_order_event/order_shipped")
    first = stack.call("InventoryOnOrderEventFunction", event)
    items = stack.items("InventoryTable")
    assert stack.call("InventoryOnOrderEventFunction", event) == first
    assert stack.items("InventoryTable") == items


def test_cancelling_a_shipped_order_moves_no_stock(stack, sample, reserved):
    stack.call("InventoryOnOrderEventFunction", sample("inventory_on_order_event/order_shipped"))
    result = stack.call("InventoryOnOrderEventFunction", sample("inventory_on_order_event/order_cancelled"))
    assert result["stock_moved"] is False
    assert _stock(stack) == {"on_hand": 8, "reserved": 0, "available": 8}


def test_a_second_delivery_with_a_new_event_id_is_still_a_no_op(stack, sample, reserved):
    event = sample("inventory_on_order_event/order_cancelled")
    stack.call("InventoryOnOrderEventFunction", event)
    again = copy.deepcopy(event)
    again["detail"]["metadata"]["event_id"] = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
    assert stack.call("InventoryOnOrderEventFunction", again)["stock_moved"] is False
    assert len(_events(stack, "StockReleased")) == 1


def test_an_event_without_an_order_id_fails_and_changes_nothing(stack, sample, reserved):
    event = copy.deepcopy(sample("inventory_on_order_event/order_shipped"))
    del event["detail"]["data"]["order_id"]
    before = stack.items("InventoryTable")
    with pytest.raises(Exception):  # noqa: B017 - parse error; Lambda retries, then the DLQ keeps it
        stack.call("InventoryOnOrderEventFunction", event)
    assert stack.items("InventoryTable") == before
