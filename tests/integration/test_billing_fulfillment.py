"""BillingFulfillmentFunction under moto: the saga's billing steps, each idempotent."""

from __future__ import annotations

import copy
import email
import json
import re
from decimal import Decimal

import boto3
import pytest
from moto.ses.models import ses_backends

ACCOUNT, REGION = "123456789012", "eu-central-1"
FN = "BillingFulfillmentFunction"
SAMPLE_INVOICE_ID = "8d2f4a6b-1c3e-4f5a-9b7c-2d4e6f8a0b1c"  # the invoice the billing_api samples name


def _billing(stack, type_: str) -> list[dict]:
    return [item for item in stack.items("BillingTable") if item.get("type") == type_]


def _outbox_types(stack) -> list[str]:
    return sorted(item["detail_type"] for item in _billing(stack, "outbox"))


def _pdf_keys(stack) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=stack.physical["DocumentsBucket"])
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_issue_invoice_numbers_prices_and_stores_the_invoice_without_a_pdf(stack, sample):
    result = stack.call(FN, sample("billing_fulfillment/issue_invoice"))

    assert re.fullmatch(r"INV-\d{4}-000001", result["number"])
    assert result["gross_total"] == "51.99" and result["status"] == "issued"
    [invoice] = _billing(stack, "invoice")
    assert invoice["net_total"] == Decimal("44.99") and invoice["payment_terms"] == "invoice"
    assert invoice["GSI2PK"] == "INVOICE#OPEN"  # open: in the reminders' index
    assert _outbox_types(stack) == ["InvoiceIssued"]
    [outbox] = _billing(stack, "outbox")
    data = json.loads(outbox["detail"])["data"]
    assert data["net_total"] == "44.99" and data["tax_total"] == "7.00" and data["gross_total"] == "51.99"
    assert [g["tax_amount"] for g in data["tax_breakdown"]] == ["2.00", "5.00"]
    assert data["due_date"] > data["issue_date"]
    assert _pdf_keys(stack) == []  # the PDF is rendered when first needed, not in issue's critical path


def test_issue_invoice_is_one_batch_read_and_one_transaction(stack, sample, dynamodb_calls):
    stack.call(FN, sample("billing_fulfillment/issue_invoice"))

    assert dynamodb_calls == ["BatchGetItem", "TransactWriteItems"]


def test_issued_events_carry_the_sagas_correlation_and_execution_ids(stack, sample):
    event = sample("billing_fulfillment/issue_invoice")
    stack.call(FN, event)

    [outbox] = _billing(stack, "outbox")
    metadata = json.loads(outbox["detail"])["metadata"]
    assert metadata["correlation_id"] == event["correlation_id"]
    assert metadata["causation_id"] == event["execution_id"]


def test_issue_invoice_twice_returns_the_same_invoice_and_writes_nothing_new(stack, sample):
    first = stack.call(FN, sample("billing_fulfillment/issue_invoice"))
    second = stack.call(FN, sample("billing_fulfillment/issue_invoice"))

    assert first == second
    assert len(_billing(stack, "invoice")) == 1 and _outbox_types(stack) == ["InvoiceIssued"]


def test_card_order_paid_before_its_invoice_is_issued_as_paid(stack, sample):
    webhook = sample("billing_webhook/payment_succeeded_order")
    from tests.integration.test_billing_webhook import place_order, resign

    place_order(stack, sample, json.loads(webhook["body"])["order_id"])
    body = json.loads(webhook["body"])
    body["amount"] = "51.99"
    assert stack.call("BillingWebhookFunction", resign(webhook, body))["statusCode"] == 200

    result = stack.call(FN, sample("billing_fulfillment/issue_invoice_card"))

    assert result["status"] == "paid"
    [invoice] = _billing(stack, "invoice")
    assert invoice["due_date"] == invoice["issue_date"] and invoice["amount_paid"] == Decimal("51.99")
    assert "GSI2PK" not in invoice
    assert _outbox_types(stack) == ["InvoiceIssued", "InvoicePaid", "PaymentReceived", "PrepaymentApplied"]
    details = {o["detail_type"]: json.loads(o["detail"])["data"] for o in _billing(stack, "outbox")}
    applied = details["PrepaymentApplied"]
    assert applied["amount"] == "51.99" and applied["payment_ids"] == [details["PaymentReceived"]["payment_id"]]
    assert applied["invoice_id"] == result["invoice_id"] and applied["applied_on"] == invoice["issue_date"]
    assert details["PaymentReceived"]["applied_amount"] == "0.00"  # nothing applied before the invoice
    assert details["PaymentReceived"]["unapplied_amount"] == "51.99"
    assert details["InvoicePaid"]["amount_paid"] == "51.99" and details["InvoicePaid"]["overpaid_amount"] == "0.00"


def test_card_prepayments_above_the_total_are_applied_at_issue_and_the_rest_owed_back(stack, sample):
    from tests.integration.test_billing_webhook import place_order, resign

    webhook = sample("billing_webhook/payment_succeeded_order")
    place_order(stack, sample, json.loads(webhook["body"])["order_id"])
    for event_id, amount in (("evt_a", "30.00"), ("evt_b", "30.00")):
        body = json.loads(webhook["body"]) | {"id": event_id, "amount": amount}
        assert stack.call("BillingWebhookFunction", resign(webhook, body))["statusCode"] == 200

    stack.call(FN, sample("billing_fulfillment/issue_invoice_card"))

    [invoice] = _billing(stack, "invoice")
    assert invoice["amount_paid"] == Decimal("51.99") and invoice["overpaid_amount"] == Decimal("8.01")
    [paid] = [json.loads(o["detail"])["data"] for o in _billing(stack, "outbox") if o["detail_type"] == "InvoicePaid"]
    assert paid["amount_paid"] == "51.99" and paid["overpaid_amount"] == "8.01"
    [due] = [json.loads(o["detail"])["data"] for o in _billing(stack, "outbox") if o["detail_type"] == "RefundDue"]
    assert due["amount"] == "8.01" and due["reason"] == "duplicate_payment" and due["source"] == "invoice_credit"
    assert len(due["payment_ids"]) == 2 and invoice["refunded_amount"] == Decimal("8.01")


def test_send_confirmation_mails_the_invoice_pdf_once_and_stores_it(stack, sample):
    issued = stack.call(FN, sample("billing_fulfillment/issue_invoice"))
    event = sample("billing_fulfillment/send_confirmation")
    event["invoice"] = issued

    first = stack.call(FN, event)
    second = stack.call(FN, copy.deepcopy(event))

    assert first == second and first["message_id"]
    [mail] = ses_backends[ACCOUNT][REGION].sent_messages
    message = email.message_from_string(mail.raw_data)
    assert message["To"] == "ada@example.com"
    parts = list(message.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert issued["number"] in text and "Total: 51.99 EUR" in text
    [pdf] = [p for p in parts if p.get_content_type() == "application/pdf"]
    assert pdf.get_payload(decode=True).startswith(b"%PDF")
    assert _pdf_keys(stack) == [f"invoices/{issued['number'][4:8]}/{issued['number']}.pdf"]


def test_credit_order_credits_the_orders_invoice_in_full_once(stack, sample):
    stack.call(FN, sample("billing_fulfillment/issue_invoice"))
    event = sample("billing_fulfillment/credit_order")

    first = stack.call(FN, event)
    second = stack.call(FN, copy.deepcopy(event))

    assert first == second and first["credited"] is True and first["order_id"] == event["order_id"]
    assert re.fullmatch(r"CN-\d{4}-000001", first["number"])
    [invoice] = _billing(stack, "invoice")
    assert invoice["status"] == "credited" and len(_billing(stack, "credit_note")) == 1
    [credited] = [json.loads(o["detail"]) for o in _billing(stack, "outbox") if o["detail_type"] == "CreditNoteIssued"]
    assert credited["metadata"]["correlation_id"] == event["correlation_id"]
    assert credited["metadata"]["causation_id"] == event["execution_id"]


def test_credit_order_without_an_invoice_credits_nothing(stack, sample):
    result = stack.call(FN, sample("billing_fulfillment/credit_order"))

    assert result == {"order_id": result["order_id"], "credited": False, "credit_note_id": None, "number": None}
    assert _billing(stack, "credit_note") == []


def test_credit_order_for_an_invoice_credited_by_someone_else_credits_nothing(stack, sample):
    issued = stack.call(FN, sample("billing_fulfillment/issue_invoice"))
    by_finance = json.dumps(sample("billing_api/create_credit_note")).replace(SAMPLE_INVOICE_ID, issued["invoice_id"])
    stack.call("BillingApiFunction", json.loads(by_finance))

    result = stack.call(FN, sample("billing_fulfillment/credit_order"))

    assert result["credited"] is False and result["credit_note_id"] is None
    assert len(_billing(stack, "credit_note")) == 1


def test_unknown_action_and_invalid_order_are_refused_by_name(stack, sample):
    with pytest.raises(Exception) as unknown:
        stack.call(FN, {"action": "dance"})
    assert type(unknown.value).__name__ == "UnknownSagaAction"
    bad = sample("billing_fulfillment/issue_invoice")
    bad["order"]["lines"] = []
    with pytest.raises(Exception) as invalid:
        stack.call(FN, bad)
    assert type(invalid.value).__name__ == "InvalidOrder"
    assert _billing(stack, "invoice") == []
