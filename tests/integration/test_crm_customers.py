"""CrmOnCommerceEventFunction and the customer routes of CrmApiFunction under moto."""

from __future__ import annotations

import base64
import copy
import json
import uuid

import pytest
from tandem.crm.customers.domain.errors import CustomerNotYetKnown

CONSUMER = "CrmOnCommerceEventFunction"
ADA = str(uuid.uuid5(uuid.NAMESPACE_URL, "tandem:customer:ada@example.com"))
ORDER_OF_EVENTS = [
    "order_placed",
    "invoice_issued",
    "order_confirmed",
    "payment_received",
    "invoice_paid",
    "order_shipped",
]


def _timeline_items(stack) -> list[dict]:
    return [item for item in stack.items() if item.get("type") == "timeline_entry"]


def _with_query(event: dict, **query: str) -> dict:
    event = copy.deepcopy(event)
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return event


@pytest.fixture
def history(stack, sample):
    for name in ORDER_OF_EVENTS:
        assert stack.call(CONSUMER, sample(f"crm_on_commerce_event/{name}"))["recorded"] is True


def test_timeline_is_built_from_a_sequence_of_events(api, sample, history):
    status, body = api(sample("crm_api/get_customer_timeline"))

    assert status == 200
    # By when each event occurred, not by when it arrived (shipped on the 28th, paid on the 29th).
    assert [e["event_type"] for e in body["items"]] == [
        "OrderPlaced",
        "InvoiceIssued",
        "OrderConfirmed",
        "OrderShipped",
        "PaymentReceived",
        "InvoicePaid",
    ]
    first = body["items"][0]
    assert first["summary"] == "Order placed: 3 items, EUR 36.00" and first["amount"] == "36.00"
    assert first["order_id"] == "5b0d9d6e-2f3c-4a1b-9e8d-7c6b5a4f3e2d" and first["invoice_id"] is None
    assert body["items"][1]["summary"] == "Invoice INV-2026-000001 issued: EUR 36.00"
    assert body["next_token"] is None


def test_duplicate_event_adds_one_entry(stack, sample):
    event = sample("crm_on_commerce_event/order_placed")

    first = stack.call(CONSUMER, event)
    second = stack.call(CONSUMER, event)

    assert first == second
    assert len(_timeline_items(stack)) == 1


def test_redelivery_after_the_idempotency_record_expired_adds_nothing(stack, sample, dynamodb):
    event = sample("crm_on_commerce_event/order_placed")
    stack.call(CONSUMER, event)
    table = stack.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})

    assert stack.call(CONSUMER, event)["recorded"] is False
    assert len(_timeline_items(stack)) == 1


def test_payment_without_email_is_resolved_by_the_order_link(stack, sample):
    stack.call(CONSUMER, sample("crm_on_commerce_event/order_placed"))
    payment = sample("crm_on_commerce_event/payment_received")
    payment["detail"]["data"]["invoice_id"] = None

    result = stack.call(CONSUMER, payment)

    assert result == {"customer_id": ADA, "recorded": True}
    assert {item["event_type"] for item in _timeline_items(stack)} == {"OrderPlaced", "PaymentReceived"}


def test_payment_before_its_order_is_known_fails_so_lambda_retries_it_later(stack, sample, dynamodb):
    payment = sample("crm_on_commerce_event/payment_received")

    with pytest.raises(CustomerNotYetKnown):
        stack.call(CONSUMER, payment)
    assert dynamodb.scan(TableName=stack.physical["IdempotencyTable"])["Items"] == []

    stack.call(CONSUMER, sample("crm_on_commerce_event/order_placed"))
    assert stack.call(CONSUMER, payment)["recorded"] is True  # the retry


def test_find_customer_by_email_ignores_case(api, sample, history):
    status, body = api(_with_query(sample("crm_api/find_customers_by_email"), email="ADA@Example.com"))

    assert status == 200 and body["next_token"] is None
    [customer] = body["items"]
    assert customer["id"] == ADA and customer["name"] == "Ada Lovelace"


def test_find_customer_with_unknown_email_is_an_empty_list(api, sample):
    status, body = api(sample("crm_api/find_customers_by_email"))
    assert status == 200 and body == {"items": [], "next_token": None}


def test_find_customers_issues_no_page_token_so_refuses_one(api, sample, history):
    event = sample("crm_api/find_customers_by_email")
    token = base64.urlsafe_b64encode(json.dumps({"PK": f"CUSTOMER#{ADA}"}).encode()).decode()

    status, body = api(_with_query(event, email="ada@example.com", limit="1", next_token=token))

    assert status == 422 and body["error"]["code"] == "invalid_page_token"


def test_find_customers_needs_an_email(api, sample):
    status, body = api(_with_query(sample("crm_api/find_customers_by_email")))
    assert status == 422 and body["error"]["details"][0]["field"] == "email"


def test_get_customer(api, sample, history):
    status, body = api(sample("crm_api/get_customer"))
    assert status == 200 and body["id"] == ADA and body["email"] == "ada@example.com"
    assert body["name"] == "Ada Lovelace" and body["created_at"].startswith("2026-")


@pytest.mark.parametrize("route", ["get_customer", "get_customer_timeline"])
def test_unknown_customer_is_404(api, sample, route):
    status, body = api(sample(f"crm_api/{route}"))
    assert status == 404 and body["error"]["code"] == "customer_not_found"


def test_timeline_pages_oldest_first_with_next_token(api, sample, history):
    first_status, first = api(_with_query(sample("crm_api/get_customer_timeline"), limit="4"))
    _, second = api(_with_query(sample("crm_api/get_customer_timeline"), limit="4", next_token=first["next_token"]))

    assert first_status == 200 and len(first["items"]) == 4
    assert [e["event_type"] for e in second["items"]] == ["PaymentReceived", "InvoicePaid"]


def test_timeline_refuses_a_token_of_another_customer(api, sample, history):
    other = {"PK": f"CUSTOMER#{uuid.uuid4()}", "SK": "EVENT#2026-11-27T15:30:00.000000+00:00#" + str(uuid.uuid4())}
    token = base64.urlsafe_b64encode(json.dumps(other).encode()).decode().rstrip("=")

    status, body = api(_with_query(sample("crm_api/get_customer_timeline"), next_token=token))

    assert status == 422 and body["error"]["code"] == "invalid_page_token"


def test_customer_routes_are_for_the_sales_group(api, sample):
    event = sample("crm_api/get_customer_timeline")
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = "support"

    status, body = api(event)

    assert status == 403 and body["error"]["code"] == "forbidden"
