"""SalesOnProductChangedFunction and SalesOnOrderClosedFunction under moto, with their sample events."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from moto.ses.models import ses_backends
from tandem.shared.aws import bootstrap

from .test_sales_api import CATALOG

ACCOUNT, REGION = "123456789012", "eu-central-1"


def _sent():
    return ses_backends[ACCOUNT][REGION].sent_messages


def _catalog(stack) -> dict[str, dict]:
    return {i["sku"]: i for i in stack.items("SalesTable") if i["type"] == "catalog_product"}


def _event(sample, sample_name: str, event_id: str, **data) -> dict:
    event = copy.deepcopy(sample(sample_name))
    event["detail"]["metadata"]["event_id"] = event_id
    event["detail"]["data"].update(data)
    return event


# ---- catalog read model


def test_a_product_event_fills_the_catalog(stack, sample):
    result = stack.call("SalesOnProductChangedFunction", sample("sales_on_product_changed/product_created"))

    assert result == {"sku": "TEA-001", "revision": 1, "stored": True}
    entry = _catalog(stack)["TEA-001"]
    assert (entry["name"], entry["unit_price"], entry["tax_category"], entry["active"]) == (
        "Green tea, 100 g",
        Decimal("4.90"),
        "reduced",
        True,
    )


def test_an_older_revision_arriving_late_is_ignored(stack, sample):
    stack.call("SalesOnProductChangedFunction", sample("sales_on_product_changed/product_updated"))

    late = stack.call("SalesOnProductChangedFunction", sample("sales_on_product_changed/product_created"))

    assert late["stored"] is False
    assert _catalog(stack)["TEA-001"]["revision"] == 2 and _catalog(stack)["TEA-001"]["unit_price"] == Decimal("5.20")


def test_product_event_delivered_twice_leaves_the_same_state(stack, sample):
    event = sample("sales_on_product_changed/product_updated")
    stack.call("SalesOnProductChangedFunction", event)
    before = _catalog(stack)

    stack.call("SalesOnProductChangedFunction", event)  # same event id: the stored result
    stack.call(
        "SalesOnProductChangedFunction",
        _event(sample, "sales_on_product_changed/product_updated", "1a2b3c4d-0099-4e3b-8c5d-6a7b8c9d0e1f"),
    )  # same revision

    assert _catalog(stack) == before


def test_a_malformed_product_event_fails_and_writes_nothing(stack, sample):
    event = _event(
        sample, "sales_on_product_changed/product_created", "1a2b3c4d-0098-4e3b-8c5d-6a7b8c9d0e1f", unit_price="-1"
    )

    with pytest.raises(Exception):  # noqa: B017 - a parse error: retried, then the DLQ
        stack.call("SalesOnProductChangedFunction", event)

    assert _catalog(stack) == {}


# ---- order closed


@pytest.fixture
def order_id(stack, sample) -> str:
    for number, (name, changes) in enumerate(CATALOG):
        event = _event(sample, name, f"00000000-0000-4000-8000-{number:012d}", **changes)
        stack.call("SalesOnProductChangedFunction", event)
    response = stack.call("SalesApiFunction", sample("sales_api/place_order"))
    return json.loads(response["body"])["id"]


@pytest.fixture
def task_calls(stack) -> list[tuple[str, dict]]:
    calls: list[tuple[str, dict]] = []
    bootstrap.client("stepfunctions").meta.events.register(
        "provide-client-params.sfn", lambda model, params, **_: calls.append((model.name, dict(params)))
    )
    return calls


def test_a_rejected_order_is_explained_with_the_missing_items(stack, sample, order_id, task_calls):
    event = _event(
        sample, "sales_on_order_closed/order_rejected", "1a2b3c4d-0005-4e3b-8c5d-6a7b8c9d0e1f", order_id=order_id
    )

    first = stack.call("SalesOnOrderClosedFunction", event)
    second = stack.call("SalesOnOrderClosedFunction", event)

    assert first == second and first["task_failed"] is False
    [mail] = _sent()
    assert mail.destinations == {"ToAddresses": ["ada@example.com"]} and mail.source == "hello@tandem.example"
    assert mail.subject == "We could not accept your order"
    assert "Hello Ada Lovelace" in mail.body and "out of stock" in mail.body
    assert "Green tea, 100 g (TEA-001): you ordered 3, we have 1" in mail.body
    assert task_calls == []


def test_a_payment_timeout_is_explained(stack, sample, order_id):
    event = _event(
        sample, "sales_on_order_closed/order_cancelled", "1a2b3c4d-0004-4e3b-8c5d-6a7b8c9d0e1f", order_id=order_id
    )

    stack.call("SalesOnOrderClosedFunction", event)

    [mail] = _sent()
    assert mail.subject == "Your order was cancelled" and "did not receive your card payment in time" in mail.body


def test_a_cancellation_on_request_is_explained(stack, sample, order_id):
    event = _event(
        sample,
        "sales_on_order_closed/order_cancelled",
        "1a2b3c4d-0006-4e3b-8c5d-6a7b8c9d0e1f",
        order_id=order_id,
        reason="customer_request",
    )

    stack.call("SalesOnOrderClosedFunction", event)

    [mail] = _sent()
    assert "cancelled on request" in mail.body


def test_a_cancelled_order_waiting_for_payment_fails_its_saga_task_once(stack, sample, order_id, task_calls):
    wait = {**sample("sales_fulfillment/await_payment"), "order_id": order_id}
    stack.call("SalesFulfillmentFunction", wait)
    event = _event(
        sample,
        "sales_on_order_closed/order_cancelled",
        "1a2b3c4d-0007-4e3b-8c5d-6a7b8c9d0e1f",
        order_id=order_id,
        reason="customer_request",
    )

    result = stack.call("SalesOnOrderClosedFunction", event)
    stack.call("SalesOnOrderClosedFunction", event)

    assert result["task_failed"] is True
    assert [(name, params["taskToken"], params["error"]) for name, params in task_calls] == [
        ("SendTaskFailure", wait["task_token"], "OrderCancelled")
    ]
    assert len(_sent()) == 1


def test_a_cancelled_order_that_was_paid_promises_a_refund_never_says_nothing_was_charged(stack, sample, order_id):
    payment = _event(
        sample,
        "sales_on_payment_received/payment_received",
        "1a2b3c4d-0008-4e3b-8c5d-6a7b8c9d0e1f",
        order_id=order_id,
        amount="31.17",
    )
    stack.call("SalesOnPaymentReceivedFunction", payment)
    event = _event(
        sample, "sales_on_order_closed/order_rejected", "1a2b3c4d-0009-4e3b-8c5d-6a7b8c9d0e1f", order_id=order_id
    )

    stack.call("SalesOnOrderClosedFunction", event)

    [mail] = _sent()
    assert "Nothing was charged" not in mail.body
    assert "We received your payment of 31.17 EUR; we owe it back to you in full" in mail.body


def test_ses_throttling_fails_the_invocation_as_service_unavailable(stack, sample, order_id, monkeypatch):
    from botocore.exceptions import ClientError

    def throttled(**_):
        raise ClientError(
            {"Error": {"Code": "TooManyRequestsException"}, "ResponseMetadata": {"HTTPStatusCode": 429}}, "SendEmail"
        )

    monkeypatch.setattr(bootstrap.client("sesv2"), "send_email", throttled)
    event = _event(
        sample, "sales_on_order_closed/order_cancelled", "1a2b3c4d-0010-4e3b-8c5d-6a7b8c9d0e1f", order_id=order_id
    )

    with pytest.raises(Exception) as raised:
        stack.call("SalesOnOrderClosedFunction", event)

    assert type(raised.value).__name__ == "ServiceUnavailable"  # Lambda retries, then ConsumerDLQ
