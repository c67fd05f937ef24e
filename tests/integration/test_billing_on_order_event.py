"""BillingOnOrderEventFunction under moto: a confirmed order's cancellation credits its invoice once."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

FN = "BillingOnOrderEventFunction"
SAMPLE_ID = "8d2f4a6b-1c3e-4f5a-9b7c-2d4e6f8a0b1c"


def _items(stack, type_: str) -> list[dict]:
    return [item for item in stack.items("BillingTable") if item.get("type") == type_]


def _for(event: dict, invoice_id: str) -> dict:
    return json.loads(json.dumps(event).replace(SAMPLE_ID, invoice_id))


def test_cancelling_a_confirmed_order_credits_its_invoice_in_full(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))

    result = stack.call(FN, _for(sample("billing_on_order_event/order_cancelled_confirmed"), invoice["invoice_id"]))

    assert result["credited"] is True and result["number"].startswith("CN-")
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "credited"
    [note] = _items(stack, "credit_note")
    assert note["reason"] == "Order cancelled: customer_request"


def test_the_same_event_twice_leaves_the_same_state(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = _for(sample("billing_on_order_event/order_cancelled_confirmed"), invoice["invoice_id"])

    first = stack.call(FN, event)
    state = sorted(map(str, stack.items("BillingTable")))
    second = stack.call(FN, event)

    assert first == second and sorted(map(str, stack.items("BillingTable"))) == state


def test_another_event_for_an_already_credited_order_returns_the_same_credit_note(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = _for(sample("billing_on_order_event/order_cancelled_confirmed"), invoice["invoice_id"])
    first = stack.call(FN, event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())  # not deduplicated by the idempotency layer

    second = stack.call(FN, event)

    assert second["credit_note_id"] == first["credit_note_id"] and len(_items(stack, "credit_note")) == 1


def test_the_invoice_is_found_through_the_order_when_the_event_has_no_invoice_id(stack, sample):
    stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = sample("billing_on_order_event/order_cancelled_confirmed")
    del event["detail"]["data"]["invoice_id"]

    assert stack.call(FN, event)["credited"] is True


def test_an_invoiced_order_cancelled_before_confirmation_is_credited_too(stack, sample):
    stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))

    result = stack.call(FN, sample("billing_on_order_event/order_cancelled_unconfirmed"))

    assert result["credited"] is True and len(_items(stack, "credit_note")) == 1


def test_an_order_without_invoice_or_payments_is_left_alone(stack, sample):
    result = stack.call(FN, sample("billing_on_order_event/order_cancelled_unconfirmed"))

    assert result["credited"] is False and result["refund_due"] == []
    assert _items(stack, "credit_note") == [] and _items(stack, "outbox") == []


ORDER_ID = "5b9e2c7a-3d1f-4e8b-a6c4-0f2e4d6b8a1c"  # the order of the cancellation and rejection samples


def _pay_order(stack, sample, event_id: str, amount: str) -> str:
    from tests.integration.test_billing_webhook import place_order, resign

    if not _items(stack, "order"):
        place_order(stack, sample, ORDER_ID)
    webhook = sample("billing_webhook/payment_succeeded_order")
    body = json.loads(webhook["body"]) | {"id": event_id, "amount": amount, "order_id": ORDER_ID}
    return json.loads(stack.call("BillingWebhookFunction", resign(webhook, body))["body"])["payment_id"]


def _refunds_due(stack) -> list[dict]:
    return [json.loads(o["detail"])["data"] for o in _items(stack, "outbox") if o["detail_type"] == "RefundDue"]


def test_payments_of_an_order_cancelled_before_its_invoice_become_refund_due_once(stack, sample):
    paid = [_pay_order(stack, sample, "evt_1", "20.00"), _pay_order(stack, sample, "evt_2", "5.50")]
    event = sample("billing_on_order_event/order_cancelled_unconfirmed")

    first = stack.call(FN, event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())  # a second delivery the idempotency layer misses
    second = stack.call(FN, event)

    assert sorted(first["refund_due"]) == sorted(paid) and first["refund_amount"] == "25.50"
    assert second["refund_due"] == []
    [data] = _refunds_due(stack)
    assert sorted(data["payment_ids"]) == sorted(paid) and data["amount"] == "25.50" and data["currency"] == "EUR"
    assert data["order_id"] == event["detail"]["data"]["order_id"]
    assert data["customer_email"] == event["detail"]["data"]["customer_email"]
    assert data["reason"] == "order_cancelled" and data["source"] == "order_prepayment"
    [refund] = _items(stack, "refund")
    assert refund["status"] == "due" and refund["id"] == data["refund_id"]


@pytest.mark.parametrize(
    ("sample_name", "reason"),
    [("order_cancelled_unconfirmed", "order_cancelled"), ("order_rejected", "order_rejected")],
)
def test_a_payment_arriving_after_the_order_ended_is_owed_back_at_once(stack, sample, sample_name, reason):
    ended = sample(f"billing_on_order_event/{sample_name}")
    ended["detail"]["data"]["order_id"] = ORDER_ID
    assert stack.call(FN, ended)["credited"] is False

    paid = _pay_order(stack, sample, "evt_late", "59.98")
    _pay_order(stack, sample, "evt_late", "59.98")  # the provider repeats itself: nothing new

    [data] = _refunds_due(stack)
    assert data["payment_ids"] == [paid] and data["amount"] == "59.98" and data["reason"] == reason
    assert data["source"] == "order_prepayment" and data["customer_email"] == ended["detail"]["data"]["customer_email"]
    [order] = _items(stack, "order")
    assert order["closed"] == reason.removeprefix("order_") and order["refund_due"] == [paid]


def test_an_order_placed_twice_is_recorded_once(stack, sample):
    event = sample("billing_on_order_event/order_placed")
    first = stack.call(FN, event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())

    assert first["recorded"] is True and stack.call(FN, event)["recorded"] is False
    [order] = _items(stack, "order")
    assert order["gross_total"] == Decimal("36.00") and order["customer_email"] == "ada@example.com"


def test_refund_due_payments_are_not_applied_to_a_later_invoice(stack, sample):
    _pay_order(stack, sample, "evt_1", "20.00")
    stack.call(FN, sample("billing_on_order_event/order_cancelled_unconfirmed"))
    issue = sample("billing_fulfillment/issue_invoice_card")
    issue["order"]["order_id"] = sample("billing_on_order_event/order_cancelled_unconfirmed")["detail"]["data"][
        "order_id"
    ]

    result = stack.call("BillingFulfillmentFunction", issue)

    assert result["status"] == "issued"
