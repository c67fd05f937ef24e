"""BillingOnOrderCancelledFunction under moto: a confirmed order's cancellation credits its invoice once."""

from __future__ import annotations

import json
import uuid

FN = "BillingOnOrderCancelledFunction"
SAMPLE_ID = "8d2f4a6b-1c3e-4f5a-9b7c-2d4e6f8a0b1c"


def _items(stack, type_: str) -> list[dict]:
    return [item for item in stack.items("BillingTable") if item.get("type") == type_]


def _for(event: dict, invoice_id: str) -> dict:
    return json.loads(json.dumps(event).replace(SAMPLE_ID, invoice_id))


def test_cancelling_a_confirmed_order_credits_its_invoice_in_full(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))

    result = stack.call(FN, _for(sample("billing_on_order_cancelled/order_cancelled_confirmed"), invoice["invoice_id"]))

    assert result["credited"] is True and result["number"].startswith("CN-")
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "credited"
    [note] = _items(stack, "credit_note")
    assert note["reason"] == "Order cancelled: customer_request"


def test_the_same_event_twice_leaves_the_same_state(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = _for(sample("billing_on_order_cancelled/order_cancelled_confirmed"), invoice["invoice_id"])

    first = stack.call(FN, event)
    state = sorted(map(str, stack.items("BillingTable")))
    second = stack.call(FN, event)

    assert first == second and sorted(map(str, stack.items("BillingTable"))) == state


def test_another_event_for_an_already_credited_order_returns_the_same_credit_note(stack, sample):
    invoice = stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = _for(sample("billing_on_order_cancelled/order_cancelled_confirmed"), invoice["invoice_id"])
    first = stack.call(FN, event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())  # not deduplicated by the idempotency layer

    second = stack.call(FN, event)

    assert second["credit_note_id"] == first["credit_note_id"] and len(_items(stack, "credit_note")) == 1


def test_the_invoice_is_found_through_the_order_when_the_event_has_no_invoice_id(stack, sample):
    stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    event = sample("billing_on_order_cancelled/order_cancelled_confirmed")
    del event["detail"]["data"]["invoice_id"]

    assert stack.call(FN, event)["credited"] is True


def test_an_invoiced_order_cancelled_before_confirmation_is_credited_too(stack, sample):
    stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))

    result = stack.call(FN, sample("billing_on_order_cancelled/order_cancelled_unconfirmed"))

    assert result["credited"] is True and len(_items(stack, "credit_note")) == 1


def test_an_order_without_invoice_or_payments_is_left_alone(stack, sample):
    result = stack.call(FN, sample("billing_on_order_cancelled/order_cancelled_unconfirmed"))

    assert result["credited"] is False and result["refund_due"] == []
    assert _items(stack, "credit_note") == [] and _items(stack, "outbox") == []


def _pay_order(stack, sample, event_id: str, amount: str) -> str:
    from tests.integration.test_billing_webhook import resign

    webhook = sample("billing_webhook/payment_succeeded_order")
    body = json.loads(webhook["body"]) | {
        "id": event_id,
        "amount": amount,
        "order_id": sample("billing_on_order_cancelled/order_cancelled_unconfirmed")["detail"]["data"]["order_id"],
    }
    return json.loads(stack.call("BillingWebhookFunction", resign(webhook, body))["body"])["payment_id"]


def test_payments_of_an_order_cancelled_before_its_invoice_become_refund_due_once(stack, sample):
    paid = [_pay_order(stack, sample, "evt_1", "20.00"), _pay_order(stack, sample, "evt_2", "5.50")]
    event = sample("billing_on_order_cancelled/order_cancelled_unconfirmed")

    first = stack.call(FN, event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())  # a second delivery the idempotency layer misses
    second = stack.call(FN, event)

    assert sorted(first["refund_due"]) == sorted(paid) and first["refund_amount"] == "25.50"
    assert second["refund_due"] == []
    refunds = [json.loads(o["detail"]) for o in _items(stack, "outbox") if o["detail_type"] == "PaymentRefundDue"]
    assert len(refunds) == 1
    data = refunds[0]["data"]
    assert sorted(data["payment_ids"]) == sorted(paid) and data["amount"] == "25.50" and data["currency"] == "EUR"
    assert data["order_id"] == event["detail"]["data"]["order_id"]
    assert data["customer_email"] == event["detail"]["data"]["customer_email"]


def test_refund_due_payments_are_not_applied_to_a_later_invoice(stack, sample):
    _pay_order(stack, sample, "evt_1", "20.00")
    stack.call(FN, sample("billing_on_order_cancelled/order_cancelled_unconfirmed"))
    issue = sample("billing_fulfillment/issue_invoice_card")
    issue["order"]["order_id"] = sample("billing_on_order_cancelled/order_cancelled_unconfirmed")["detail"]["data"][
        "order_id"
    ]

    result = stack.call("BillingFulfillmentFunction", issue)

    assert result["status"] == "issued"
