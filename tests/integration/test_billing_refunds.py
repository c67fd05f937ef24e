"""Refunds and held payments under moto: every way money becomes owed back creates one refund due, in the
transaction that caused it; finance lists refunds, records payouts once, and settles unmatched payments;
the customer is told once (BillingOnRefundDueFunction)."""

from __future__ import annotations

import copy
import json
import uuid
from decimal import Decimal

import pytest
from moto.ses.models import ses_backends

from tests.integration.test_billing_webhook import place_order, resign

ACCOUNT, REGION = "123456789012", "eu-central-1"
API = "BillingRefundsApiFunction"
REFUND_SAMPLE = "6e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
PAYMENT_SAMPLE = "7f2a3b4c-5d6e-4f7a-8b9c-0d1e2f3a4b5c"
INVOICE_SAMPLE = "8d2f4a6b-1c3e-4f5a-9b7c-2d4e6f8a0b1c"


def _items(stack, type_: str) -> list[dict]:
    return [item for item in stack.items("BillingTable") if item.get("type") == type_]


def _outbox(stack, detail_type: str) -> list[dict]:
    return [json.loads(o["detail"]) for o in _items(stack, "outbox") if o["detail_type"] == detail_type]


def _api(stack, event: dict, **ids: str) -> tuple[int, dict]:
    text = json.dumps(event)
    for old, new in ((REFUND_SAMPLE, ids.get("refund")), (PAYMENT_SAMPLE, ids.get("payment"))):
        text = text.replace(old, new) if new else text
    text = text.replace(INVOICE_SAMPLE, ids["invoice"]) if ids.get("invoice") else text
    response = stack.call(API, json.loads(text))
    return response["statusCode"], json.loads(response["body"])


def _pay(stack, sample, amount: str, **target: str) -> dict:
    webhook = sample("billing_webhook/payment_succeeded_invoice")
    body = {"id": f"evt_{uuid.uuid4().hex}", "type": "payment.succeeded", "amount": amount, "currency": "EUR"}
    response = stack.call("BillingWebhookFunction", resign(webhook, body | target))
    assert response["statusCode"] == 200, response
    return json.loads(response["body"])


def _credit(stack, sample, invoice_id: str, lines: list[dict] | None = None) -> dict:
    event = json.loads(json.dumps(sample("billing_api/create_credit_note")).replace(INVOICE_SAMPLE, invoice_id))
    event["body"] = json.dumps({"reason": "Goodwill"} | ({"lines": lines} if lines else {}))
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    response = stack.call("BillingApiFunction", event)
    assert response["statusCode"] == 201, response
    return json.loads(response["body"])


@pytest.fixture
def invoice(stack, sample) -> dict:
    """Gross 51.99 EUR on invoice terms: line 1 is 25.00 net (standard), line 2 19.99 net (reduced)."""
    return stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))


def test_a_paid_invoice_fully_credited_owes_what_was_paid_back_once(stack, sample, invoice):
    paid = _pay(stack, sample, "51.99", invoice_id=invoice["invoice_id"])
    _credit(stack, sample, invoice["invoice_id"])

    [stored] = _items(stack, "invoice")
    assert stored["status"] == "credited" and stored["refunded_amount"] == Decimal("51.99")
    [due] = _outbox(stack, "RefundDue")
    assert due["data"]["amount"] == "51.99" and due["data"]["reason"] == "invoice_credited"
    assert due["data"]["payment_ids"] == [paid["payment_id"]] and due["data"]["invoice_number"] == invoice["number"]


def test_a_partial_credit_below_what_was_paid_leaves_the_invoice_in_credit_not_paid(stack, sample, invoice):
    _pay(stack, sample, "40.00", invoice_id=invoice["invoice_id"])  # of 51.99
    note = _credit(stack, sample, invoice["invoice_id"], [{"line_number": 1, "quantity": 2}])  # line 1: 2 x 12.50

    [stored] = _items(stack, "invoice")
    owed = Decimal("51.99") - Decimal(note["gross_total"])
    assert stored["status"] == "in_credit" and "GSI2PK" not in stored
    assert stored["refunded_amount"] == Decimal("40.00") - owed
    assert _outbox(stack, "InvoicePaid") == []
    [due] = _outbox(stack, "RefundDue")
    assert Decimal(due["data"]["amount"]) == Decimal("40.00") - owed and due["data"]["source"] == "invoice_credit"


def test_a_payment_on_a_credited_invoice_is_owed_back(stack, sample, invoice):
    _credit(stack, sample, invoice["invoice_id"])
    paid = _pay(stack, sample, "51.99", invoice_id=invoice["invoice_id"])

    [due] = _outbox(stack, "RefundDue")
    assert due["data"]["amount"] == "51.99" and due["data"]["payment_ids"] == [paid["payment_id"]]
    assert due["data"]["reason"] == "invoice_credited"


def test_the_same_bill_paid_twice_owes_the_second_payment_back(stack, sample, invoice):
    _pay(stack, sample, "51.99", invoice_id=invoice["invoice_id"])
    second = _pay(stack, sample, "51.99", invoice_id=invoice["invoice_id"])

    [due] = _outbox(stack, "RefundDue")
    assert due["data"]["reason"] == "duplicate_payment" and due["data"]["payment_ids"] == [second["payment_id"]]


def test_refunds_are_listed_read_and_paid_once(stack, sample, invoice):
    _pay(stack, sample, "60.00", invoice_id=invoice["invoice_id"])
    [refund] = _items(stack, "refund")

    status, due = _api(stack, sample("billing_refunds_api/list_refunds_due"))
    assert status == 200 and [r["id"] for r in due["items"]] == [refund["id"]]
    status, one = _api(stack, sample("billing_refunds_api/get_refund"), refund=refund["id"])
    assert status == 200 and one["amount"] == "8.01" and one["status"] == "due" and one["reason"] == "overpaid"

    paid_event = sample("billing_refunds_api/mark_refund_paid")
    status, paid = _api(stack, paid_event, refund=refund["id"])
    again = copy.deepcopy(paid_event)
    for headers in (again["headers"], again["multiValueHeaders"]):
        headers.pop("Idempotency-Key")
    status_again, paid_again = _api(stack, again, refund=refund["id"])  # no key: answered as it is

    assert status == status_again == 200 and paid == paid_again
    assert paid["status"] == "paid" and paid["reference"] == "re_3Q2w3E4r5T6y" and paid["paid_on"]
    [event] = _outbox(stack, "RefundPaid")
    assert event["data"]["amount"] == "8.01" and event["data"]["source"] == "invoice_credit"
    assert _api(stack, sample("billing_refunds_api/list_refunds_due"))[1]["items"] == []


def test_unknown_refunds_and_bad_status_filters_are_4xx(stack, sample):
    assert _api(stack, sample("billing_refunds_api/get_refund"), refund=str(uuid.uuid4()))[0] == 404
    assert _api(stack, sample("billing_refunds_api/get_refund"), refund="not-a-uuid")[0] == 404
    bad = sample("billing_refunds_api/list_refunds_due")
    bad["queryStringParameters"] = {"status": "lost"}
    bad["multiValueQueryStringParameters"] = {"status": ["lost"]}
    assert _api(stack, bad)[0] == 422


def test_an_unmatched_payment_applied_to_an_invoice_pays_it(stack, sample, invoice):
    held = _pay(stack, sample, "51.99", order_id="order-nobody-knows")
    status, listed = _api(stack, sample("billing_refunds_api/list_unmatched_payments"))
    assert status == 200 and [p["id"] for p in listed["items"]] == [held["payment_id"]]
    assert listed["items"][0]["reference"] == "order-nobody-knows"

    apply = sample("billing_refunds_api/apply_held_payment")
    status, applied = _api(stack, apply, payment=held["payment_id"], invoice=invoice["invoice_id"])
    status_again, again = _api(stack, apply, payment=held["payment_id"], invoice=invoice["invoice_id"])

    assert status == status_again == 200 and applied == again
    assert applied["status"] == "applied" and applied["invoice_id"] == invoice["invoice_id"]
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "paid" and stored["payment_ids"] == [held["payment_id"]]
    [event] = _outbox(stack, "UnmatchedPaymentApplied")
    assert event["data"]["amount"] == "51.99" and event["data"]["invoice_number"] == invoice["number"]
    status, refused = _api(stack, sample("billing_refunds_api/refund_held_payment"), payment=held["payment_id"])
    assert status == 409 and refused["error"]["code"] == "payment_not_unmatched"
    assert _api(stack, sample("billing_refunds_api/list_unmatched_payments"))[1]["items"] == []


def test_an_unmatched_payment_turned_into_a_refund_once(stack, sample):
    held = _pay(stack, sample, "12.34", invoice_id=str(uuid.uuid4()))

    status, refund = _api(stack, sample("billing_refunds_api/refund_held_payment"), payment=held["payment_id"])
    status_again, again = _api(stack, sample("billing_refunds_api/refund_held_payment"), payment=held["payment_id"])

    assert status == status_again == 201 and refund == again
    assert refund["reason"] == refund["source"] == "unmatched_payment" and refund["customer_email"] is None
    assert refund["amount"] == "12.34" and refund["payment_ids"] == [held["payment_id"]]
    assert len(_outbox(stack, "RefundDue")) == 1


def test_the_customer_is_told_once_per_refund(stack, sample):
    place_order(stack, sample, "order-told-once")
    cancelled = sample("billing_on_order_event/order_cancelled_unconfirmed")
    cancelled["detail"]["data"]["order_id"] = "order-told-once"
    stack.call("BillingOnOrderEventFunction", cancelled)
    _pay(stack, sample, "59.98", order_id="order-told-once")
    [due] = _outbox(stack, "RefundDue")
    event = sample("billing_on_refund_due/refund_due")
    event["detail"] = due

    first = stack.call("BillingOnRefundDueFunction", event)
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())  # a delivery the idempotency layer misses
    second = stack.call("BillingOnRefundDueFunction", event)

    assert first["message_id"] and first["message_id"] == second["message_id"]
    [mail] = ses_backends[ACCOUNT][REGION].sent_messages
    assert mail.destinations == {"ToAddresses": ["ada@example.com"]}  # who placed the order
    assert "59.98 EUR" in mail.body and "order-told-once was cancelled" in mail.body
