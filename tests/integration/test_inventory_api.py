"""InventoryApiFunction under moto, fed the sample events from events/inventory_api/."""

from __future__ import annotations

import base64
import copy
import json

import pytest


@pytest.fixture
def call(stack):
    """Call InventoryApiFunction; returns (status, parsed JSON body)."""

    def invoke(event: dict) -> tuple[int, dict]:
        response = stack.call("InventoryApiFunction", event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return invoke


def _with_body(event: dict, body) -> dict:
    event = copy.deepcopy(event)
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def _items(stack) -> list[dict]:
    return stack.items("InventoryTable")


def _outbox(stack) -> list[tuple[str, dict]]:
    rows = sorted((i for i in _items(stack) if i["type"] == "outbox"), key=lambda i: i["occurred_at"])
    return [(i["detail_type"], json.loads(i["detail"])["data"]) for i in rows]


@pytest.fixture
def mug(call, sample):
    status, body = call(sample("inventory_api/create_product"))
    assert status == 201, body
    return body


def test_creating_a_product_stores_it_with_an_empty_stock_summary_and_product_created(stack, mug):
    assert mug["sku"] == "MUG-001" and mug["unit_price"] == "12.50" and mug["revision"] == 1
    types = sorted(i["type"] for i in _items(stack))
    assert types == ["outbox", "product", "stock"]
    [(event_type, data)] = _outbox(stack)
    assert event_type == "ProductCreated"
    assert data == {
        "sku": "MUG-001",
        "name": "Tandem mug",
        "unit_price": "12.50",
        "currency": "EUR",
        "tax_category": "standard",
        "active": True,
        "revision": 1,
    }


def test_creating_an_existing_sku_is_409_and_writes_nothing(stack, call, sample, mug):
    before = _items(stack)
    status, body = call(sample("inventory_api/create_product"))
    assert status == 409 and body["error"]["code"] == "product_already_exists"
    assert _items(stack) == before


def test_update_bumps_the_revision_and_publishes_the_full_snapshot(stack, call, sample, mug):
    status, body = call(sample("inventory_api/update_product"))
    assert status == 200 and body["revision"] == 2 and body["unit_price"] == "13.90"
    event_type, data = _outbox(stack)[-1]
    assert event_type == "ProductUpdated" and data["revision"] == 2 and data["unit_price"] == "13.90"


def test_updating_an_unknown_sku_is_404(call, sample):
    status, body = call(sample("inventory_api/update_product"))
    assert status == 404 and body["error"]["code"] == "product_not_found"


def test_catalog_is_public_and_lists_active_products_only(call, sample, mug):
    event = sample("inventory_api/create_product")
    call(_with_body(event, {**json.loads(event["body"]), "sku": "OLD-1", "active": False}))

    status, body = call(sample("inventory_api/list_products"))

    assert status == 200 and [p["sku"] for p in body["items"]] == ["MUG-001"] and body["next_token"] is None
    status, one = call(sample("inventory_api/get_product"))
    assert status == 200 and one["sku"] == "MUG-001"


def _query(event: dict, **params: str) -> dict:
    event = copy.deepcopy(event)
    event["queryStringParameters"] = params
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in params.items()}
    return event


def test_catalog_pages_with_next_token(call, sample):
    event = sample("inventory_api/create_product")
    for sku in ("A-1", "B-1", "C-1"):
        call(_with_body(event, {**json.loads(event["body"]), "sku": sku}))
    listing = sample("inventory_api/list_products")
    _, first = call(_query(listing, limit="2"))
    _, second = call(_query(listing, limit="2", next_token=first["next_token"]))
    assert [p["sku"] for p in first["items"] + second["items"]] == ["A-1", "B-1", "C-1"]
    status, body = call(_query(listing, next_token="garbage"))
    assert status == 422 and body["error"]["code"] == "invalid_page_token"


def test_unknown_product_is_404(call, sample):
    status, body = call(sample("inventory_api/get_product"))
    assert status == 404 and body["error"]["code"] == "product_not_found"


def test_receipt_and_adjustment_move_stock_and_are_listed_latest_first(stack, call, sample, mug):
    status, received = call(sample("inventory_api/receive_stock"))
    assert status == 201 and received == {
        "sku": "MUG-001",
        "on_hand": 10,
        "reserved": 0,
        "available": 10,
        "at_risk": 0,
        "movements": [],
    }
    status, adjusted = call(sample("inventory_api/adjust_stock"))
    assert status == 201 and adjusted["on_hand"] == 8 and adjusted["available"] == 8

    status, stock = call(sample("inventory_api/get_stock"))

    assert status == 200 and stock["on_hand"] == 8
    assert [(m["kind"], m["on_hand_delta"]) for m in stock["movements"]] == [("adjustment", -2), ("receipt", 10)]
    assert stock["movements"][1]["reference"] == "DN-2026-0042"
    events = _outbox(stack)
    assert events[-2] == (
        "StockReceived",
        {"sku": "MUG-001", "quantity": 10, "on_hand": 10, "available": 10, "purchase_order_id": None},
    )
    assert events[-1] == (
        "StockAdjusted",
        {"sku": "MUG-001", "delta": -2, "reason": "broken in storage", "on_hand": 8, "available": 8},
    )


def test_adjusting_below_zero_is_409_insufficient_stock_and_changes_nothing(stack, call, sample, mug):
    call(sample("inventory_api/receive_stock"))
    before = _items(stack)
    status, body = call(sample("inventory_api/adjust_stock_beyond_available"))
    assert status == 409 and body["error"]["code"] == "insufficient_stock"
    assert body["error"]["details"]["shortages"] == [{"sku": "MUG-001", "requested": 1000, "available": 10}]
    assert _items(stack) == before


def test_receipt_for_an_unknown_sku_is_404(stack, call, sample):
    status, body = call(sample("inventory_api/receive_stock"))
    assert status == 404 and body["error"]["code"] == "product_not_found"
    assert _items(stack) == []


def test_product_in_another_currency_is_422_currency_not_supported(stack, call, sample):
    status, body = call(sample("inventory_api/create_product_other_currency"))
    assert status == 422 and body["error"]["code"] == "currency_not_supported"
    assert _items(stack) == []


def test_bad_product_lists_every_bad_field_and_writes_nothing(stack, call, sample):
    status, body = call(sample("inventory_api/create_product_invalid"))
    assert status == 422
    fields = {d["field"] for d in body["error"]["details"]}
    assert {"sku", "name", "unit_price", "tax_category", "reorder_point", "reorder_quantity", "colour"} <= fields
    assert _items(stack) == []


VALID_RECEIPT = {"sku": "MUG-001", "quantity": 1}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"sku": ', 400),
        ("[]", 422),
        ({**VALID_RECEIPT, "quantity": 0}, 422),
        ({**VALID_RECEIPT, "quantity": "3"}, 422),
        ({**VALID_RECEIPT, "quantity": 1.5}, 422),
        ({**VALID_RECEIPT, "sku": "lower case!"}, 422),
        ({**VALID_RECEIPT, "extra": 1}, 422),
    ],
)
def test_bad_receipts_are_4xx_and_change_nothing(stack, call, sample, mug, body, status):
    before = _items(stack)
    got, response = call(_with_body(sample("inventory_api/receive_stock"), body))
    assert got == status and "error" in response
    assert _items(stack) == before


@pytest.mark.parametrize("delta", [0, "1", True])
def test_adjustment_needs_a_non_zero_integer_delta(call, sample, mug, delta):
    event = sample("inventory_api/adjust_stock")
    status, _ = call(_with_body(event, {**json.loads(event["body"]), "delta": delta}))
    assert status == 422


def test_staff_routes_need_a_token_and_the_inventory_group(stack, call, sample):
    status, body = call(sample("inventory_api/create_product_unauthenticated"))
    assert status == 401 and body["error"]["code"] == "unauthorized"
    status, body = call(sample("inventory_api/create_product_wrong_group"))
    assert status == 403 and body["error"]["code"] == "forbidden"
    assert _items(stack) == []


def test_purchase_orders_list_is_empty_and_receiving_an_unknown_one_is_404(call, sample):
    status, body = call(sample("inventory_api/list_purchase_orders"))
    assert status == 200 and body == {"items": [], "next_token": None}
    status, body = call(sample("inventory_api/receive_purchase_order"))
    assert status == 404 and body["error"]["code"] == "purchase_order_not_found"


@pytest.mark.parametrize(
    "token",
    [
        "x" * 2048,
        base64.urlsafe_b64encode(b"[" * 1536).decode(),  # 2048 characters of nested JSON
        base64.urlsafe_b64encode(json.dumps({"PK": "PRODUCT#A"}).encode()).decode(),
    ],
    ids=["not-base64", "deeply-nested", "forged-key"],
)
def test_any_page_token_up_to_2048_characters_we_did_not_issue_is_422(call, sample, token):
    for listing in ("list_products", "list_purchase_orders"):
        status, body = call(_query(sample(f"inventory_api/{listing}"), next_token=token))
        assert status == 422 and body["error"]["code"] == "invalid_page_token", (listing, body)


def test_listings_answer_items_and_default_to_25_per_page(call, sample):
    event = sample("inventory_api/create_product")
    for n in range(26):
        call(_with_body(event, {**json.loads(event["body"]), "sku": f"SKU-{n:02d}"}))

    status, body = call(_query(sample("inventory_api/list_products")))  # no limit

    assert status == 200 and set(body) == {"items", "next_token"}
    assert len(body["items"]) == 25 and body["next_token"]


def _keyed(event: dict, key: str, **body) -> dict:
    event = copy.deepcopy(event)
    event["headers"]["Idempotency-Key"] = key
    event["multiValueHeaders"]["Idempotency-Key"] = [key]
    if body:
        event["body"] = json.dumps({**json.loads(event["body"]), **body})
    return event


@pytest.mark.parametrize("route", ["receive_stock", "adjust_stock", "count_stock"])
def test_a_repeated_idempotency_key_books_once_and_answers_the_first_answer(stack, call, sample, mug, route):
    if route != "receive_stock":
        call(sample("inventory_api/receive_stock"))
    booked_before = len(_outbox(stack))
    first = call(_keyed(sample(f"inventory_api/{route}"), "retry-1"))
    again = call(_keyed(sample(f"inventory_api/{route}"), "retry-1"))
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert len(_outbox(stack)) == booked_before + 1  # one event: booked once
    keys = [i for i in _items(stack) if i["type"] == "idempotency_key"]
    assert len(keys) == 1 and int(keys[0]["expires_at"]) > 0


def test_an_idempotency_key_reused_with_another_body_or_route_is_422_and_books_nothing(stack, call, sample, mug):
    call(_keyed(sample("inventory_api/receive_stock"), "k"))
    before = _items(stack)
    for event in (
        _keyed(sample("inventory_api/receive_stock"), "k", quantity=11),
        _keyed(sample("inventory_api/count_stock"), "k"),
    ):
        status, body = call(event)
        assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
    assert _items(stack) == before


def test_an_invalid_idempotency_key_is_422(stack, call, sample, mug):
    status, body = call(_keyed(sample("inventory_api/receive_stock"), "caf\u00e9"))
    assert status == 422 and body["error"]["code"] == "invalid_idempotency_key"


def test_a_count_below_what_is_reserved_is_recorded_with_the_shortfall_at_risk(stack, call, sample, mug):
    call(sample("inventory_api/receive_stock"))  # 10
    reserved = stack.call(
        "InventoryFulfillmentFunction",
        {"action": "reserve", "order_id": "order-1", "lines": [{"sku": "MUG-001", "quantity": 9}]},
    )
    assert reserved["order_id"] == "order-1"
    status, counted = call(sample("inventory_api/count_stock"))  # counted 7
    assert status == 201
    assert counted == {"sku": "MUG-001", "on_hand": 7, "reserved": 9, "available": 0, "at_risk": 2, "movements": []}
    # one command, one transaction: both events share occurred_at, so compare them by type
    assert sorted(_outbox(stack)[-2:], key=lambda event: event[0]) == [
        (
            "StockCounted",
            {
                "sku": "MUG-001",
                "counted": 7,
                "delta": -3,
                "reason": "quarterly stock take",
                "on_hand": 7,
                "reserved": 9,
                "available": 0,
                "at_risk": 2,
            },
        ),
        ("StockShortfallDetected", {"sku": "MUG-001", "counted": 7, "reserved": 9, "at_risk": 2}),
    ]
    status, stock = call(sample("inventory_api/get_stock"))
    assert (stock["available"], stock["at_risk"]) == (0, 2)
    assert stock["movements"][0] | {"id": "", "occurred_at": ""} == {
        "id": "",
        "kind": "count",
        "quantity": -3,
        "on_hand_delta": -3,
        "reserved_delta": 0,
        "occurred_at": "",
        "reason": "quarterly stock take",
        "reference": None,
    }
    # Nothing can be adjusted away; a receipt fills the shortfall first.
    status, body = call(sample("inventory_api/adjust_stock"))
    assert status == 409 and body["error"]["code"] == "insufficient_stock"
    status, received = call(_with_body(sample("inventory_api/receive_stock"), {"sku": "MUG-001", "quantity": 3}))
    assert (received["on_hand"], received["available"], received["at_risk"]) == (10, 1, 0)


@pytest.mark.parametrize(
    "body",
    [{"sku": "MUG-001", "counted": -1}, {"sku": "MUG-001", "counted": "7"}, {"sku": "MUG-001"}, {"counted": 1}],
)
def test_bad_counts_are_422_and_change_nothing(stack, call, sample, mug, body):
    before = _items(stack)
    status, response = call(_with_body(sample("inventory_api/count_stock"), body))
    assert status == 422, response
    assert _items(stack) == before
