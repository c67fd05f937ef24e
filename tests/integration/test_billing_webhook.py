"""BillingWebhookFunction under moto: signatures first, then each provider event recorded once."""

from __future__ import annotations

import copy
import json
import time
import uuid

import pytest
from tandem.billing.domain.signature import header

FN = "BillingWebhookFunction"
SECRET = "whsec_test"  # tests/integration/conftest.py's PaymentWebhookSecret


def resign(event: dict, body: dict | None = None, *, secret: str = SECRET, at: int | None = None) -> dict:
    """The sample with (optionally) a new body, signed now: a static file cannot keep a fresh timestamp."""
    event = copy.deepcopy(event)
    if body is not None:
        event["body"] = json.dumps(body, separators=(",", ":"))
    return with_signature(event, header(secret, int(time.time()) if at is None else at, event["body"].encode()))


def with_signature(event: dict, signature: str) -> dict:
    """``event`` with the Tandem-Signature ``signature``, in both header maps (as API Gateway sends it)."""
    event["headers"]["Tandem-Signature"] = signature
    event["multiValueHeaders"]["Tandem-Signature"] = [signature]
    return event


def _items(stack, type_: str) -> list[dict]:
    return [item for item in stack.items("BillingTable") if item.get("type") == type_]


def _outbox(stack) -> list[dict]:
    return [json.loads(item["detail"]) | {"type": item["detail_type"]} for item in _items(stack, "outbox")]


def _call(stack, event: dict) -> tuple[int, dict]:
    response = stack.call(FN, event)
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def invoice(stack, sample) -> dict:
    """An invoice (gross 51.99 EUR, terms: invoice) issued through the saga step."""
    return stack.call("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))


def place_order(stack, sample, order_id: str, gross_total: str = "59.98") -> None:
    """Billing learns the order through the sales context's OrderPlaced (else a payment for it is unmatched)."""
    event = sample("billing_on_order_event/order_placed")
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    event["detail"]["data"] |= {"order_id": order_id, "gross_total": gross_total}
    assert stack.call("BillingOnOrderEventFunction", event)["recorded"] is True


def _pay(sample, invoice: dict, amount: str, event_id: str) -> dict:
    event = sample("billing_webhook/payment_succeeded_invoice")
    body = json.loads(event["body"]) | {"invoice_id": invoice["invoice_id"], "amount": amount, "id": event_id}
    return resign(event, body)


def test_a_correctly_signed_full_payment_pays_the_invoice(stack, sample, invoice):
    status, body = _call(stack, _pay(sample, invoice, "51.99", "evt_full"))

    assert status == 200 and body["duplicate"] is False and body["payment_id"]
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "paid" and "GSI2PK" not in stored
    types = sorted(e["type"] for e in _outbox(stack))
    assert types == ["InvoiceIssued", "InvoicePaid", "PaymentReceived"]
    [received] = [e["data"] for e in _outbox(stack) if e["type"] == "PaymentReceived"]
    assert received["applied_amount"] == "51.99" and received["unapplied_amount"] == "0.00"
    assert received["customer_email"] == "ada@example.com" and received["provider_event_id"] == "evt_full"


def test_a_partial_payment_leaves_the_invoice_partially_paid_and_open(stack, sample, invoice):
    status, _ = _call(stack, _pay(sample, invoice, "20.00", "evt_part"))

    assert status == 200
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "partially_paid" and stored["GSI2PK"] == "INVOICE#OPEN"
    assert "InvoicePaid" not in {e["type"] for e in _outbox(stack)}


def test_an_overpayment_is_kept_as_overpaid_amount_and_owed_back_at_once(stack, sample, invoice):
    _call(stack, _pay(sample, invoice, "20.00", "evt_a"))
    status, paid = _call(stack, _pay(sample, invoice, "40.00", "evt_b"))

    assert status == 200
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "paid" and str(stored["refunded_amount"]) == "8.01"
    assert str(stored["amount_paid"]) == "51.99" and str(stored["overpaid_amount"]) == "8.01"
    [refund] = _items(stack, "refund")
    assert refund["reason"] == "overpaid" and refund["source"] == "invoice_credit" and str(refund["amount"]) == "8.01"
    assert refund["payment_ids"] == [paid["payment_id"]] and refund["invoice_id"] == invoice["invoice_id"]
    [due] = [e["data"] for e in _outbox(stack) if e["type"] == "RefundDue"]
    assert due["amount"] == "8.01" and due["customer_email"] == "ada@example.com" and due["reason"] == "overpaid"
    [second] = [
        e["data"]
        for e in _outbox(stack)
        if e["type"] == "PaymentReceived" and e["data"]["provider_event_id"] == "evt_b"
    ]
    assert second["applied_amount"] == "31.99" and second["unapplied_amount"] == "8.01"


def test_the_same_provider_event_twice_is_a_duplicate_and_records_nothing_new(stack, sample, invoice):
    event = _pay(sample, invoice, "20.00", "evt_twice")
    _, first = _call(stack, event)
    before = len(_items(stack, "outbox"))

    status, second = _call(stack, resign(event))

    assert status == 200 and second == {"payment_id": first["payment_id"], "duplicate": True}
    assert len(_items(stack, "outbox")) == before and len(_items(stack, "payment")) == 1
    assert str(_items(stack, "invoice")[0]["amount_paid"]) == "20.00"


def test_an_order_payment_before_its_invoice_is_kept_for_the_order_and_published(stack, sample):
    place_order(stack, sample, json.loads(sample("billing_webhook/payment_succeeded_order")["body"])["order_id"])
    status, body = _call(stack, resign(sample("billing_webhook/payment_succeeded_order")))

    assert status == 200 and body["duplicate"] is False
    [order] = _items(stack, "order")
    assert order["payments"][0]["payment_id"] == body["payment_id"] and "invoice_id" not in order
    [event] = _outbox(stack)
    assert event["type"] == "PaymentReceived" and event["data"]["order_id"] == order["PK"].removeprefix("ORDER#")


@pytest.mark.parametrize("case", ["payment_bad_signature", "payment_unsigned"])
def test_a_missing_or_wrong_signature_is_401_and_records_nothing(stack, sample, case):
    event = sample(f"billing_webhook/{case}")
    if case == "payment_bad_signature":
        event = resign(event, secret="whsec_not_ours")

    status, body = _call(stack, event)

    assert status == 401 and body["error"]["code"] == "invalid_signature"
    assert stack.items("BillingTable") == []


@pytest.mark.parametrize("age", [301, -301, 10_000])
def test_a_timestamp_more_than_five_minutes_away_is_401(stack, sample, age):
    event = resign(sample("billing_webhook/payment_succeeded_order"), at=int(time.time()) - age)

    status, _ = _call(stack, event)

    assert status == 401 and stack.items("BillingTable") == []


def test_the_static_sample_signature_is_stale_by_now(stack, sample):
    status, _ = _call(stack, sample("billing_webhook/payment_succeeded_order"))

    assert status == 401


def test_a_body_changed_after_signing_is_401(stack, sample):
    event = resign(sample("billing_webhook/payment_succeeded_order"))
    event["body"] = event["body"].replace("59.98", "0.01")

    status, _ = _call(stack, event)

    assert status == 401 and stack.items("BillingTable") == []


def test_a_signature_with_a_rotated_secret_among_several_v1_values_is_accepted(stack, sample):
    event = resign(sample("billing_webhook/payment_succeeded_order"))
    t = event["headers"]["Tandem-Signature"].split(",")[0]
    good = event["headers"]["Tandem-Signature"].split(",")[1]
    with_signature(event, f"{t},v1={'0' * 64},{good}")

    status, _ = _call(stack, event)

    assert status == 200


def test_other_event_types_are_acknowledged_and_ignored(stack, sample):
    status, body = _call(stack, resign(sample("billing_webhook/payment_refunded_ignored")))

    assert status == 200 and body["ignored"] is True and stack.items("BillingTable") == []


def test_a_foreign_currency_is_422(stack, sample):
    status, body = _call(stack, resign(sample("billing_webhook/payment_wrong_currency")))

    assert status == 422 and body["error"]["code"] == "currency_not_supported"
    assert stack.items("BillingTable") == []


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_a_non_positive_amount_is_422(stack, sample, amount):
    event = sample("billing_webhook/payment_succeeded_order")
    status, body = _call(stack, resign(event, json.loads(event["body"]) | {"amount": amount}))

    assert status == 422 and stack.items("BillingTable") == []


@pytest.mark.parametrize("case", ["payment_succeeded_invoice", "payment_succeeded_order"])
def test_a_payment_naming_no_known_invoice_or_order_is_200_and_held_unmatched(stack, sample, case):
    event = resign(sample(f"billing_webhook/{case}"))
    status, body = _call(stack, event)

    assert status == 200 and body["unmatched"] is True and body["duplicate"] is False
    [held] = _items(stack, "payment")
    assert held["status"] == "unmatched" and held["hold_reason"] == "unknown_reference"
    assert held["GSI1PK"] == "PAYMENT#HELD" and held["reference"] == json.loads(event["body"]).get(
        "invoice_id", json.loads(event["body"]).get("order_id")
    )
    [unmatched] = _outbox(stack)
    assert unmatched["type"] == "PaymentUnmatched" and unmatched["data"]["payment_id"] == body["payment_id"]
    assert _items(stack, "order") == [] and _items(stack, "invoice") == []
    assert _call(stack, resign(event))[1] == {"payment_id": body["payment_id"], "duplicate": True}


def test_an_absurd_amount_on_a_known_invoice_is_recorded_but_held_for_review(stack, sample, invoice):
    status, body = _call(stack, _pay(sample, invoice, "999999999999.99", "evt_absurd"))

    assert status == 200 and body["unmatched"] is True
    [held] = _items(stack, "payment")
    assert held["hold_reason"] == "implausible_amount" and held["reference"] == invoice["invoice_id"]
    [stored] = _items(stack, "invoice")
    assert stored["status"] == "issued" and stored["amount_paid"] == 0
    assert {e["type"] for e in _outbox(stack)} == {"InvoiceIssued", "PaymentUnmatched"}


def test_a_signed_body_that_is_not_json_is_400_and_one_without_the_payment_fields_422(stack, sample):
    event = sample("billing_webhook/payment_succeeded_order")
    event["body"] = "{not json"
    assert _call(stack, resign(event))[0] == 400
    assert _call(stack, resign(event, {"id": "evt_x", "type": "payment.succeeded"}))[0] == 422


def test_a_non_ascii_digit_timestamp_is_401_not_a_crash(stack, sample):
    event = resign(sample("billing_webhook/payment_succeeded_invoice"))
    signature = event["headers"]["Tandem-Signature"]
    with_signature(event, "t=\u00b2," + signature.split(",", 1)[1])

    status, body = _call(stack, event)

    assert status == 401 and body["error"]["code"] == "invalid_signature"


def _binary(event: dict, raw: bytes, *, signed: bool) -> dict:
    import base64

    event = copy.deepcopy(event)
    event["body"], event["isBase64Encoded"] = base64.b64encode(raw).decode(), True
    return with_signature(event, header(SECRET, int(time.time()), raw) if signed else "t=1,v1=00")


def test_the_signature_covers_the_exact_base64_decoded_bytes(stack, sample, invoice):
    body = json.dumps(
        {
            "id": "evt_b64",
            "type": "payment.succeeded",
            "invoice_id": invoice["invoice_id"],
            "amount": "1.00",
            "currency": "EUR",
        }
    ).encode()

    status, result = _call(stack, _binary(sample("billing_webhook/payment_succeeded_invoice"), body, signed=True))

    assert status == 200 and result["duplicate"] is False


@pytest.mark.parametrize("raw", [b"\xff\xfe not utf-8", '{"id": "\u00e9"'.encode("utf-16")], ids=["latin", "utf16"])
def test_a_signed_body_that_is_not_utf8_json_is_400(stack, sample, raw):
    status, body = _call(stack, _binary(sample("billing_webhook/payment_succeeded_invoice"), raw, signed=True))

    assert status == 400 and body["error"]["code"] == "bad_request"
    assert _items(stack, "payment") == []


def test_an_unsigned_body_that_is_not_utf8_is_401(stack, sample):
    status, _ = _call(stack, _binary(sample("billing_webhook/payment_succeeded_invoice"), b"\xff\xfe", signed=False))

    assert status == 401


def test_a_repeated_provider_event_is_detected_without_reading_it_first(stack, sample, invoice, dynamodb_calls):
    event = _pay(sample, invoice, "10.00", "evt_once")
    first = _call(stack, event)
    dynamodb_calls.clear()

    second = _call(stack, resign(event))

    assert second[1] == {"payment_id": first[1]["payment_id"], "duplicate": True}
    assert dynamodb_calls == ["GetItem", "TransactWriteItems"]  # the invoice, then the conditional write


def test_the_openapi_document_declares_the_signature_header_and_the_event_body(stack):
    operation = json.loads(stack.module(FN).app.get_openapi_json_schema())["paths"]["/payments/webhook"]["post"]

    assert operation["operationId"] == "receivePaymentEvent"
    assert [p["name"].lower() for p in operation["parameters"]] == ["tandem-signature"]
    event = operation["requestBody"]["content"]["application/json"]["schema"]
    assert event["required"] == ["id", "type"] and "$ref" not in json.dumps(event)
    assert "signature" in operation["responses"]["401"]["description"].lower()
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaymentAnswer"
    }


@pytest.mark.parametrize("kind", [["payment.succeeded"], {"a": "payment.succeeded"}, 7, None, True])
def test_a_signed_event_whose_type_is_not_text_is_a_422_and_records_nothing(stack, sample, kind):
    event = sample("billing_webhook/payment_succeeded_order")
    body = {**json.loads(event["body"]), "id": "evt_wrong_type", "type": kind}

    status, answer = _call(stack, resign(event, body))

    assert status == 422 and answer["error"]["code"] == "invalid_payment"
    assert "type" in {d["field"] for d in answer["error"]["details"]}
    assert _items(stack, "payment") == [] and _outbox(stack) == []


@pytest.mark.parametrize("body", [[1, 2], "payment.succeeded", 12])
def test_a_signed_event_that_is_not_an_object_is_a_422(stack, sample, body):
    status, answer = _call(stack, resign(sample("billing_webhook/payment_succeeded_order"), body))

    assert status == 422 and answer["error"]["code"] == "invalid_payment"


@pytest.mark.parametrize(
    "raw, code",
    [
        ('{"id": "evt_deep", "type": "x", "n": ' + "[" * 5_000 + "]" * 5_000 + "}", "json_too_deep"),
        ('{"id": "evt_long", "type": "payment.succeeded", "amount": ' + "9" * 5_000 + "}", "json_number_too_long"),
    ],
)
@pytest.mark.parametrize("base64_encoded", [False, True])
def test_a_body_past_the_json_limits_is_a_400_signed_or_not(stack, sample, raw, code, base64_encoded):
    event = sample("billing_webhook/payment_succeeded_order")
    if base64_encoded:
        event = _binary(event, raw.encode(), signed=True)
    else:
        event["body"] = raw
        event = resign(event)

    status, answer = _call(stack, event)

    assert (status, answer["error"]["code"]) == (400, code)
    assert _items(stack, "payment") == []


@pytest.mark.parametrize(
    "raw, refused",
    [(b"[" * 10_000, "json_too_deep"), (b'{"amount": ' + b"9" * 4_301 + b"}", "json_number_too_long")],
)
def test_the_reader_itself_holds_the_json_limits(raw, refused):
    from tandem.billing.inbound import PaymentDelivery
    from tandem.shared.errors import BadRequest

    with pytest.raises(BadRequest) as caught:
        PaymentDelivery(raw, None).to_command()
    assert caught.value.code == refused
