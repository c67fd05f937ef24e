"""InventoryReorderCheckFunction and the purchase-order routes under moto."""

from __future__ import annotations

import copy
import json

import pytest


def _api(stack, sample, name: str, *, path: str | None = None, **body) -> tuple[int, dict]:
    event = copy.deepcopy(sample(f"inventory_api/{name}"))
    if body:
        event["body"] = json.dumps({**json.loads(event["body"]), **body})
    if path:
        event["path"] = path
    response = stack.call("InventoryApiFunction", event)
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def catalog(stack, sample):
    """MUG-001 (reorder point 5, 20 per order) at 3 available; CUP-1 well stocked; OLD-1 inactive and empty."""
    _api(stack, sample, "create_product")
    _api(stack, sample, "receive_stock", quantity=3)
    _api(stack, sample, "create_product", sku="CUP-1")
    _api(stack, sample, "receive_stock", sku="CUP-1", quantity=50)
    _api(stack, sample, "create_product", sku="OLD-1", active=False)


def _check(stack, sample) -> dict:
    return stack.call("InventoryReorderCheckFunction", sample("inventory_reorder_check/scheduled_check"))


def test_reorder_check_drafts_one_order_per_due_active_sku_and_nothing_on_a_second_run(stack, sample, catalog):
    first = _check(stack, sample)
    second = _check(stack, sample)

    assert [(d["sku"], d["quantity"]) for d in first["drafted"]] == [("MUG-001", 20)]
    assert second == {"drafted": []}
    drafted = [
        json.loads(i["detail"])["data"]
        for i in stack.items("InventoryTable")
        if i["type"] == "outbox" and i["detail_type"] == "PurchaseOrderDrafted"
    ]
    assert drafted == [
        {"purchase_order_id": first["drafted"][0]["purchase_order_id"], "sku": "MUG-001", "quantity": 20}
    ]


def test_receiving_a_purchase_order_books_its_quantity_once(stack, sample, catalog):
    [po] = _check(stack, sample)["drafted"]
    status, listed = _api(stack, sample, "list_purchase_orders")
    assert status == 200 and [p["id"] for p in listed["items"]] == [po["purchase_order_id"]]
    path = f"/purchase-orders/{po['purchase_order_id']}/receive"

    status, received = _api(stack, sample, "receive_purchase_order", path=path)
    assert status == 200 and received["status"] == "received"
    assert received["stock"]["on_hand"] == 23 and received["stock"]["available"] == 23
    status, again = _api(stack, sample, "receive_purchase_order", path=path)
    assert status == 409 and again["error"]["code"] == "purchase_order_already_received"

    outbox = [
        (i["detail_type"], json.loads(i["detail"])["data"])
        for i in stack.items("InventoryTable")
        if i["type"] == "outbox"
    ]
    assert (
        "PurchaseOrderReceived",
        {"purchase_order_id": po["purchase_order_id"], "sku": "MUG-001", "quantity": 20},
    ) in outbox
    assert (
        "StockReceived",
        {
            "sku": "MUG-001",
            "quantity": 20,
            "on_hand": 23,
            "available": 23,
            "purchase_order_id": po["purchase_order_id"],
        },
    ) in outbox
    _, drafted = _api(stack, sample, "list_purchase_orders")
    assert drafted["items"] == []


def test_after_receipt_a_sku_that_falls_again_gets_a_new_order(stack, sample, catalog):
    [po] = _check(stack, sample)["drafted"]
    _api(stack, sample, "receive_purchase_order", path=f"/purchase-orders/{po['purchase_order_id']}/receive")
    _api(stack, sample, "adjust_stock", delta=-20, reason="flood")
    [again] = _check(stack, sample)["drafted"]
    assert again["sku"] == "MUG-001" and again["purchase_order_id"] != po["purchase_order_id"]
