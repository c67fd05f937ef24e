"""InventoryFulfillmentFunction (the saga's reserve/release task) under moto, with events/inventory_fulfillment/."""

from __future__ import annotations

import copy
import json
import threading

import pytest

from local_runtime import atomic

from .conftest import LambdaContext

ORDER = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"


@pytest.fixture
def shop(stack, sample):
    """MUG-001 with 10 in stock, set up through the API."""

    def api(name: str, **body) -> dict:
        event = copy.deepcopy(sample(f"inventory_api/{name}"))
        if body:
            event["body"] = json.dumps({**json.loads(event["body"]), **body})
        response = stack.call("InventoryApiFunction", event)
        assert response["statusCode"] in (200, 201), response["body"]
        return json.loads(response["body"])

    api("create_product")
    api("receive_stock")
    api.stock = lambda sku="MUG-001": stack.call(  # type: ignore[attr-defined]
        "InventoryApiFunction",
        {**sample("inventory_api/get_stock"), "path": f"/stock/{sku}", "pathParameters": {"sku": sku}},
    )
    return api


def _stock(shop) -> dict:
    return json.loads(shop.stock()["body"])


def _reserve(order_id: str, lines: list[dict]) -> dict:
    return {"action": "reserve", "order_id": order_id, "lines": lines}


def test_reserve_sets_stock_aside_in_one_transaction_and_publishes_stock_reserved(stack, sample, shop, dynamodb_calls):
    dynamodb_calls.clear()
    result = stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/reserve"))

    assert result == {"order_id": ORDER, "lines": [{"sku": "MUG-001", "quantity": 2}]}
    assert dynamodb_calls == ["TransactWriteItems"]
    stock = _stock(shop)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 2, 8)
    outbox = [json.loads(i["detail"]) for i in stack.items("InventoryTable") if i["type"] == "outbox"]
    reserved = [e["data"] for e in outbox if e["metadata"]["event_type"] == "StockReserved"]
    assert reserved == [{"order_id": ORDER, "lines": [{"sku": "MUG-001", "quantity": 2}]}]


def test_reserving_the_same_order_again_returns_the_existing_reservation(stack, sample, shop):
    first = stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/reserve"))
    again = stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/reserve"))
    assert again == first and _stock(shop)["reserved"] == 2


def test_duplicate_skus_are_merged_into_one_line(stack, shop):
    result = stack.call(
        "InventoryFulfillmentFunction",
        _reserve("o-merge", [{"sku": "MUG-001", "quantity": 1}, {"sku": "mug-001", "quantity": 3}]),
    )
    assert result["lines"] == [{"sku": "MUG-001", "quantity": 4}]
    assert _stock(shop)["available"] == 6


def test_short_lines_raise_insufficient_stock_naming_every_shortage_and_reserve_nothing(stack, shop, dynamodb_calls):
    before = stack.items("InventoryTable")
    dynamodb_calls.clear()
    with pytest.raises(Exception) as raised:
        stack.call(
            "InventoryFulfillmentFunction",
            _reserve("o-short", [{"sku": "MUG-001", "quantity": 11}, {"sku": "NOPE-1", "quantity": 1}]),
        )
    assert type(raised.value).__name__ == "InsufficientStock"  # Lambda's errorType = the Catch name
    assert json.loads(str(raised.value)) == {
        "shortages": [
            {"sku": "MUG-001", "requested": 11, "available": 10},
            {"sku": "NOPE-1", "requested": 1, "available": 0},
        ]
    }
    assert stack.items("InventoryTable") == before
    assert dynamodb_calls == ["TransactWriteItems", "BatchGetItem"]  # the shortages: one consistent read


def test_events_carry_the_sagas_correlation_and_execution_ids(stack, sample, shop):
    task = sample("inventory_fulfillment/reserve")
    stack.call("InventoryFulfillmentFunction", task)
    stack.call("InventoryFulfillmentFunction", {**sample("inventory_fulfillment/release"), "order_id": ORDER})

    outbox = [json.loads(i["detail"])["metadata"] for i in stack.items("InventoryTable") if i["type"] == "outbox"]
    saga = [
        (m["event_type"], m["correlation_id"], m["causation_id"])
        for m in outbox
        if m["event_type"] in ("StockReserved", "StockReleased")
    ]
    assert sorted(saga) == [
        ("StockReleased", "web-order-9", task["execution_id"]),
        ("StockReserved", "web-order-9", task["execution_id"]),
    ]


def test_release_gives_the_stock_back_once(stack, sample, shop):
    stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/reserve"))

    first = stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/release"))
    again = stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/release"))

    assert first == {"order_id": ORDER, "released": True} and again == {"order_id": ORDER, "released": False}
    stock = _stock(shop)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 0, 10)
    released = [
        json.loads(i["detail"])["data"]
        for i in stack.items("InventoryTable")
        if i["type"] == "outbox" and i["detail_type"] == "StockReleased"
    ]
    assert released == [{"order_id": ORDER, "lines": [{"sku": "MUG-001", "quantity": 2}], "reason": "payment_timeout"}]


def test_release_without_a_reservation_is_a_no_op(stack, sample, shop):
    before = stack.items("InventoryTable")
    assert stack.call("InventoryFulfillmentFunction", sample("inventory_fulfillment/release"))["released"] is False
    assert stack.items("InventoryTable") == before


@pytest.mark.parametrize(
    "event",
    [
        {"action": "reserve", "order_id": "o1", "lines": []},
        {"action": "reserve", "order_id": "o1", "lines": [{"sku": "MUG-001", "quantity": 0}]},
        {"action": "reserve", "lines": [{"sku": "MUG-001", "quantity": 1}]},
        "not a dict",
    ],
)
def test_malformed_tasks_raise_invalid_stock_request_and_change_nothing(stack, shop, event):
    before = stack.items("InventoryTable")
    with pytest.raises(Exception) as raised:
        stack.call("InventoryFulfillmentFunction", event)
    assert type(raised.value).__name__ == "InvalidStockRequest"
    assert stack.items("InventoryTable") == before


def test_an_unknown_action_raises_unknown_saga_action_and_changes_nothing(stack, shop):
    before = stack.items("InventoryTable")
    with pytest.raises(Exception) as raised:
        stack.call("InventoryFulfillmentFunction", {"action": "explode", "order_id": "o1"})
    assert type(raised.value).__name__ == "UnknownSagaAction"
    assert stack.items("InventoryTable") == before


def test_forty_concurrent_one_unit_reservations_against_ten_in_stock_exactly_ten_succeed(stack, shop, monkeypatch):
    atomic.install()  # moto's backend is not thread-safe; AWS serialises each call, so must moto
    atomic.install_client_lock()
    for key, value in stack.environment("InventoryFulfillmentFunction").items():
        monkeypatch.setenv(key, value)
    handler = stack.module("InventoryFulfillmentFunction").lambda_handler
    outcomes: list[str] = []
    start = threading.Barrier(40)

    def order(n: int) -> None:
        start.wait()
        try:
            handler(_reserve(f"order-{n}", [{"sku": "MUG-001", "quantity": 1}]), LambdaContext())
            outcomes.append("reserved")
        except Exception as exc:  # noqa: BLE001 - the outcome is the error's name
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=order, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("reserved") == 10
    assert set(outcomes) == {"reserved", "InsufficientStock"}
    stock = _stock(shop)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 10, 0)
