"""SalesApiFunction under moto, fed the sample events from events/sales_api/."""

from __future__ import annotations

import base64
import copy
import json
import threading

import pytest

CATALOG = [
    ("sales_on_product_changed/product_created", {}),
    (
        "sales_on_product_changed/product_created",
        {"sku": "MUG-002", "name": "Tandem mug", "unit_price": "12.50", "tax_category": "standard"},
    ),
    (
        "sales_on_product_changed/product_created",
        {
            "sku": "OLD-003",
            "name": "Retired kettle",
            "unit_price": "30.00",
            "tax_category": "standard",
            "active": False,
        },
    ),
]


@pytest.fixture
def catalog(stack, sample):
    """The catalog read model as inventory's events build it (TEA-001 4.90 reduced, MUG-002 12.50 standard)."""
    for number, (name, changes) in enumerate(CATALOG):
        event = sample(name)
        event["detail"]["data"].update(changes)
        event["detail"]["metadata"]["event_id"] = f"00000000-0000-4000-8000-{number:012d}"
        stack.call("SalesOnProductChangedFunction", event)
    return stack


@pytest.fixture
def api(catalog):
    def call(event: dict) -> tuple[int, dict]:
        response = catalog.call("SalesApiFunction", event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return call


def _types(stack) -> list[str]:
    return sorted(item["type"] for item in stack.items("SalesTable") if item["type"] != "catalog_product")


def _with(event: dict, *, body=None, order_id: str | None = None, headers: dict | None = None) -> dict:
    event = copy.deepcopy(event)
    if body is not None:
        event["body"] = json.dumps(body)
    if order_id:
        old = event["pathParameters"]["id"]
        event["path"] = event["path"].replace(old, order_id)
        event["pathParameters"] = {"id": order_id}
    if headers is not None:  # API Gateway sends every header in both maps
        event["headers"] = {**event["headers"], **headers}
        event["multiValueHeaders"] = {**(event.get("multiValueHeaders") or {}), **{k: [v] for k, v in headers.items()}}
    return event


def _body(event: dict) -> dict:
    return json.loads(event["body"])


def test_placing_an_order_prices_it_from_the_catalog_in_one_read_and_one_transaction(
    api, sample, catalog, dynamodb_calls
):
    dynamodb_calls.clear()
    status, order = api(sample("sales_api/place_order"))

    assert status == 201, order
    assert dynamodb_calls == ["BatchGetItem", "TransactWriteItems"]
    assert order["status"] == "placed" and order["currency"] == "EUR" and order["payment_method"] == "card"
    assert [(li["sku"], li["unit_price"], li["tax_rate"], li["net"]) for li in order["lines"]] == [
        ("TEA-001", "4.90", "0.10", "14.70"),
        ("MUG-002", "12.50", "0.20", "12.50"),
    ]
    assert (order["net_total"], order["tax_total"], order["gross_total"]) == ("27.20", "3.97", "31.17")
    assert order["invoice_id"] is None and order["customer"]["email"] == "ada@example.com"
    assert _types(catalog) == ["idempotency_key", "order", "outbox"]
    outbox = next(i for i in catalog.items("SalesTable") if i["type"] == "outbox")
    detail = json.loads(outbox["detail"])
    assert outbox["source"] == "tandem.sales" and outbox["detail_type"] == "OrderPlaced"
    assert detail["data"]["order_id"] == order["id"] and detail["data"]["gross_total"] == "31.17"
    assert detail["data"]["lines"][0]["tax_rate"] == "0.10" and detail["data"]["tax_rounding"] == "total"
    assert detail["metadata"]["correlation_id"] == "web-order-1"


def test_a_client_price_is_refused_never_used(api, sample):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["lines"][0]["unit_price"] = "0.01"

    status, error = api(_with(event, body=body))

    assert status == 422 and error["error"]["details"][0]["field"].startswith("lines")


def test_same_idempotency_key_and_body_returns_the_same_order_once(api, sample, catalog):
    event = sample("sales_api/place_order")
    _, first = api(event)

    status, again = api(_with(event, headers={"idempotency-key": "order-2026-11-27-ada-1"}))

    assert status == 201 and again == first
    assert _types(catalog) == ["idempotency_key", "order", "outbox"]


def test_same_idempotency_key_with_another_body_is_refused(api, sample, catalog):
    event = sample("sales_api/place_order")
    api(event)
    body = _body(event)
    body["lines"][0]["quantity"] = 4

    status, error = api(_with(event, body=body))

    assert status == 422 and error["error"]["code"] == "idempotency_key_reused"
    assert _types(catalog) == ["idempotency_key", "order", "outbox"]


def test_same_key_from_another_caller_is_another_order(api, sample, catalog):
    event = sample("sales_api/place_order")
    api(event)
    other = _with(event)
    other["requestContext"]["authorizer"]["claims"]["sub"] = "someone-else"

    status, _ = api(other)

    assert status == 201 and _types(catalog).count("order") == 2


def test_concurrent_requests_with_one_key_make_one_order(api, sample, catalog, monkeypatch):
    # moto alone is not thread-safe (two transactions can both pass their conditions); the local runtime
    # serialises each AWS call as AWS does, so the conditions are what keeps this to one order.
    from local_runtime import atomic

    atomic.install()
    atomic.install_client_lock()
    event = sample("sales_api/place_order")
    for key, value in catalog.environment("SalesApiFunction").items():
        monkeypatch.setenv(key, value)
    handler = catalog.module("SalesApiFunction").lambda_handler
    from .conftest import LambdaContext

    results: list[dict] = []
    barrier = threading.Barrier(4)

    def place() -> None:
        barrier.wait()
        results.append(handler(copy.deepcopy(event), LambdaContext()))

    threads = [threading.Thread(target=place) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r["statusCode"] for r in results] == [201] * 4
    assert len({json.loads(r["body"])["id"] for r in results}) == 1
    assert _types(catalog) == ["idempotency_key", "order", "outbox"]


@pytest.mark.parametrize(
    ("case", "status", "code", "field"),
    [
        ("place_order_invalid_lines", 422, "validation_failed", "lines[0].sku"),
        ("place_order_wrong_currency", 422, "currency_not_supported", "currency"),
        ("place_order_bad_payment_method", 422, "validation_failed", "payment_method"),
        ("place_order_for_someone_else", 403, "not_your_order", "customer.email"),
        ("place_order_wrong_group", 403, "forbidden", None),
    ],
)
def test_bad_orders_are_refused_and_nothing_is_written(api, sample, catalog, case, status, code, field):
    got, error = api(sample(f"sales_api/{case}"))

    assert got == status and error["error"]["code"] == code
    if field:
        assert field in [d["field"] for d in error["error"]["details"]]
    assert _types(catalog) == []


def test_every_bad_line_is_reported_at_once(api, sample):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["lines"] = [
        {"sku": "NOPE-404", "quantity": 1},
        {"sku": "TEA-001", "quantity": 1001},
        {"sku": "OLD-003", "quantity": 1},
    ]

    status, error = api(_with(event, body=body, headers={"Idempotency-Key": "k2"}))

    assert status == 422
    assert [d["field"] for d in error["error"]["details"]] == ["lines[0].sku", "lines[1].quantity", "lines[2].sku"]


def test_inactive_product_and_unknown_sku_are_named(api, sample):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["lines"] = [{"sku": "NOPE-404", "quantity": 1}, {"sku": "OLD-003", "quantity": 1}]

    status, error = api(_with(event, body=body))

    assert status == 422
    assert {d["field"]: d["message"] for d in error["error"]["details"]} == {
        "lines[0].sku": "is not a product we sell",
        "lines[1].sku": "is no longer sold",
    }


def test_more_lines_than_inventory_reserves_at_once_are_refused(api, sample, catalog):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["lines"] = [{"sku": f"SKU-{n}", "quantity": 1} for n in range(21)]

    status, error = api(_with(event, body=body))

    assert status == 422 and error["error"]["details"][0]["field"] == "lines"
    assert _types(catalog) == []


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\tkey"])
def test_malformed_idempotency_keys_are_refused(api, sample, catalog, key):
    status, error = api(_with(sample("sales_api/place_order"), headers={"Idempotency-Key": key}))

    assert status == 422 and error["error"]["code"] == "invalid_idempotency_key"
    assert _types(catalog) == []


def test_sales_orders_on_behalf_of_a_customer_without_a_key(api, sample):
    status, order = api(sample("sales_api/place_order_by_sales"))

    assert status == 201 and order["payment_method"] == "invoice"
    assert order["customer"]["billing_address"]["line2"] == "Building 7"


def test_a_customer_sees_only_their_own_orders(api, sample):
    _, mine = api(sample("sales_api/place_order"))
    _, theirs = api(sample("sales_api/place_order_by_sales"))

    status, own = api(_with(sample("sales_api/get_order_as_customer"), order_id=mine["id"]))
    hidden, _ = api(_with(sample("sales_api/get_order_as_customer"), order_id=theirs["id"]))
    listed_status, listed = api(sample("sales_api/list_orders"))

    assert status == 200 and own == mine
    assert hidden == 404
    assert listed_status == 200 and [o["id"] for o in listed["items"]] == [mine["id"]]
    assert listed["next_token"] is None


def test_staff_list_every_order_newest_first_in_pages(api, sample):
    _, first = api(sample("sales_api/place_order"))
    _, second = api(sample("sales_api/place_order_by_sales"))
    event = sample("sales_api/list_orders_sales")
    event["queryStringParameters"] = {"limit": "1"}
    event["multiValueQueryStringParameters"] = {"limit": ["1"]}

    _, page = api(event)
    event["queryStringParameters"]["next_token"] = page["next_token"]
    event["multiValueQueryStringParameters"]["next_token"] = [page["next_token"]]
    _, rest = api(event)

    assert [o["id"] for o in page["items"]] == [second["id"]]
    assert [o["id"] for o in rest["items"]] == [first["id"]]


# A forged key, and 2048 characters of nested JSON (deep enough to make json.loads raise RecursionError).
@pytest.mark.parametrize("token", ["eyJQSyI6ICJ4In0", base64.urlsafe_b64encode(b"[" * 1536).decode()])
def test_a_forged_page_token_is_a_422(api, sample, token):
    event = sample("sales_api/list_orders")
    event["queryStringParameters"] = {"next_token": token}
    event["multiValueQueryStringParameters"] = {"next_token": [token]}

    status, error = api(event)

    assert status == 422 and error["error"]["code"] == "invalid_page_token"


def test_get_unknown_order_is_404(api, sample):
    status, error = api(sample("sales_api/get_order"))

    assert status == 404 and error["error"]["code"] == "order_not_found"


def test_customer_cancels_their_placed_order_once(api, sample, catalog):
    _, order = api(sample("sales_api/place_order"))
    cancel = _with(sample("sales_api/cancel_order"), order_id=order["id"])

    status, cancelled = api(cancel)
    again, repeated = api(cancel)

    assert status == 200 and cancelled["status"] == "cancelled"
    assert again == 200 and repeated["status"] == "cancelled"
    events = [json.loads(i["detail"]) for i in catalog.items("SalesTable") if i["type"] == "outbox"]
    closed = [e["data"] for e in events if e["metadata"]["event_type"] == "OrderCancelled"]
    assert closed == [
        {
            "order_id": order["id"],
            "customer_email": "ada@example.com",
            "reason": "Ordered by mistake",
            "was_confirmed": False,
            "invoice_id": None,
            "payment_id": None,
            "paid_amount": None,
        }
    ]


def test_cancel_without_a_body_is_a_customer_request(api, sample):
    _, order = api(sample("sales_api/place_order"))
    cancel = _with(sample("sales_api/cancel_order"), order_id=order["id"])
    cancel["body"] = None

    status, cancelled = api(cancel)

    assert status == 200 and cancelled["status"] == "cancelled"


def test_a_customer_cannot_cancel_someone_elses_order(api, sample):
    _, order = api(sample("sales_api/place_order_by_sales"))

    status, _ = api(_with(sample("sales_api/cancel_order"), order_id=order["id"]))

    assert status == 404


def test_only_a_confirmed_order_ships(api, sample, catalog):
    _, order = api(sample("sales_api/place_order"))

    status, error = api(_with(sample("sales_api/ship_order"), order_id=order["id"]))

    assert status == 409 and error["error"]["code"] == "order_not_shippable"


def test_shipping_needs_the_inventory_group(api, sample):
    _, order = api(sample("sales_api/place_order"))

    status, error = api(_with(sample("sales_api/ship_order_wrong_group"), order_id=order["id"]))

    assert status == 403 and error["error"]["code"] == "forbidden"


def test_a_buyer_vat_id_is_normalized_kept_on_the_order_and_carried_on_order_placed(api, sample, catalog):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["customer"]["vat_id"] = "fr 40-303.265.045"

    status, order = api(_with(event, body=body, headers={"Idempotency-Key": "vat-1"}))

    assert status == 201, order
    assert order["customer"]["vat_id"] == "FR40303265045"
    outbox = next(i for i in catalog.items("SalesTable") if i["type"] == "outbox")
    assert json.loads(outbox["detail"])["data"]["customer"]["vat_id"] == "FR40303265045"
    status, again = api(_with(sample("sales_api/get_order"), order_id=order["id"]))
    assert again["customer"]["vat_id"] == "FR40303265045"


@pytest.mark.parametrize(
    ("vat_id", "message"),
    [
        ("DE12345678", "does not match the DE VAT number format"),  # one digit short
        ("GR123456789", "must start with an EU country prefix"),  # Greece is EL
        ("US123456789", "must start with an EU country prefix"),
        ("NL123456789B1", "does not match the NL VAT number format"),
    ],
)
def test_a_malformed_buyer_vat_id_is_a_clear_422_and_nothing_is_written(api, sample, catalog, vat_id, message):
    event = sample("sales_api/place_order")
    body = _body(event)
    body["customer"]["vat_id"] = vat_id

    status, error = api(_with(event, body=body))

    assert status == 422 and error["error"]["code"] == "validation_failed"
    [detail] = [d for d in error["error"]["details"] if d["field"] == "customer.vat_id"]
    assert message in detail["message"]
    assert _types(catalog) == []


def _raw(event: dict, text: str) -> dict:
    event = copy.deepcopy(event)
    event["body"] = text
    return event


def _quantity(digits: int) -> str:
    return '{"customer": {"email": "ada@example.com"}, "lines": [{"sku": "TEA-001", "quantity": %s}]}' % ("9" * digits)


@pytest.mark.parametrize(
    "text, status, code",
    [
        ("[" * 10_000 + "]" * 10_000, 400, "json_too_deep"),
        ('{"lines": ' + "[" * 10_000 + "]" * 10_000 + "}", 400, "json_too_deep"),
        (_quantity(5_000), 400, "json_number_too_long"),
        (_quantity(4_301), 400, "json_number_too_long"),
        (_quantity(100), 422, "validation_failed"),
        ('{"customer": "ada", "lines": {"sku": "TEA-001"}, "payment_method": ["card"]}', 422, "validation_failed"),
        (
            '{"customer": {"email": ["ada@example.com"]}, "lines": [{"sku": 1, "quantity": [3]}]}',
            422,
            "validation_failed",
        ),
    ],
)
def test_a_body_that_breaks_the_parser_or_the_types_is_a_4xx_and_places_nothing(
    api, sample, catalog, text, status, code
):
    answer_status, answer = api(_raw(sample("sales_api/place_order"), text))

    assert (answer_status, answer["error"]["code"]) == (status, code), answer
    assert _types(catalog) == []


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "application/json; charset=UTF-8"])
def test_an_order_in_any_spelling_of_the_json_content_type_is_placed(api, sample, content_type):
    assert api(_with(sample("sales_api/place_order"), headers={"Content-Type": content_type}))[0] == 201


def test_an_order_without_a_content_type_is_a_415_and_places_nothing(api, sample, catalog):
    event = sample("sales_api/place_order")
    del event["headers"]["Content-Type"], event["multiValueHeaders"]["Content-Type"]

    status, answer = api(event)

    assert (status, answer["error"]["code"]) == (415, "unsupported_media_type")
    assert _types(catalog) == []
