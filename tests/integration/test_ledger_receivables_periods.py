"""The ledger under moto, end to end through its two functions: the new billing events post per the contract,
receivables and the VAT report reconcile to the trial balance, and a closed period takes no postings."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

CONSUMER = "LedgerOnBillingEventFunction"
API = "LedgerApiFunction"
EVERY_EVENT = (
    "invoice_issued",
    "credit_note_issued",
    "payment_received",
    "payment_unmatched",
    "unmatched_payment_applied",
    "refund_paid",
)


@pytest.fixture
def ledger_api(stack):
    def call(event: dict) -> tuple[int, dict]:
        response = stack.call(API, event)
        return response["statusCode"], json.loads(response["body"])

    return call


def _post(stack, sample, *names: str) -> None:
    for name in names:
        stack.call(CONSUMER, sample(f"ledger_on_billing_event/{name}"))


def _balances(stack) -> dict[str, Decimal]:
    return {
        item["account"]: item["debit_total"] - item["credit_total"]
        for item in stack.items("LedgerTable")
        if item.get("type") == "account_balance"
    }


def _with_query(event: dict, **query: str) -> dict:
    event = copy.deepcopy(event)
    event["queryStringParameters"] = query or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    return event


def _close(event: dict, period: str) -> dict:
    event = copy.deepcopy(event)
    event["path"] = event["path"].replace("2026-11", period)
    event["pathParameters"] = {"period": period}
    return event


def test_every_billing_event_of_the_contract_posts_its_accounts(stack, sample):
    _post(stack, sample, *EVERY_EVENT)

    balances = _balances(stack)
    assert balances["1200"] == 0  # 36 - 12 credited - 24 paid - 12 from suspense + 12 refunded
    assert balances["2900"] == Decimal("-38")  # 50 held, 12 applied (a liability: credit balance)
    assert balances["1000"] == Decimal("62")  # 24 + 50 in, 12 refunded out
    assert sum(balances.values()) == 0


def test_a_prepayment_waits_on_customer_advances_until_the_invoice_takes_it(stack, sample):
    prepaid = sample("ledger_on_billing_event/payment_received")
    prepaid["detail"]["data"].update(invoice_id=None, amount="36.00", applied_amount="0.00", unapplied_amount="36.00")
    stack.call(CONSUMER, prepaid)
    assert _balances(stack) == {"1000": Decimal("36"), "2100": Decimal("-36")}

    _post(stack, sample, "invoice_issued", "prepayment_applied")

    balances = _balances(stack)
    assert balances["2100"] == 0 and balances["1200"] == 0


def test_entries_carry_their_document_party_and_posting_date(ledger_api, stack, sample):
    _post(stack, sample, "invoice_issued", "payment_received")

    status, body = ledger_api(sample("ledger_api/journal"))

    assert status == 200
    by_type = {entry["source_event_type"]: entry for entry in body["items"]}
    invoice = by_type["InvoiceIssued"]
    assert invoice["document"] == {
        "type": "invoice",
        "id": "8e7d6c5b-4a39-4281-b7f6-e5d4c3b2a190",
        "number": "INV-2026-000001",
        "document_date": "2026-11-27",
    }
    assert invoice["party"] == "ada@example.com" and invoice["posting_date"] == "2026-11-27"
    payment = by_type["PaymentReceived"]
    assert payment["document"]["type"] == "payment" and payment["posting_date"] == "2026-11-29"


def test_receivables_age_open_invoices_and_reconcile_to_the_trial_balance(ledger_api, stack, sample):
    _post(stack, sample, "invoice_issued", "payment_unmatched")

    status, body = ledger_api(sample("ledger_api/receivables"))  # as of 2026-12-31; due 2026-12-11

    assert status == 200
    [ada] = body["customers"]
    assert ada["customer_email"] == "ada@example.com" and ada["balance"] == "36.00"
    [item] = ada["items"]
    assert item["number"] == "INV-2026-000001" and item["days_overdue"] == 20 and item["bucket"] == "days_1_30"
    assert body["ageing"]["days_1_30"] == "36.00" and body["ageing"]["current"] == "0.00"
    assert body["total"] == body["account_balance"] == "36.00" and body["reconciled"] is True


def test_receivables_refuse_a_day_that_is_not_a_date(ledger_api, sample):
    status, body = ledger_api(_with_query(sample("ledger_api/receivables"), as_of="31/12/2026"))
    assert status == 422 and body["error"]["code"] == "validation_failed"


def test_vat_report_gives_output_vat_by_rate_reconciled_to_account_2200(ledger_api, stack, sample):
    _post(stack, sample, *EVERY_EVENT)

    status, body = ledger_api(sample("ledger_api/vat_report"))

    assert status == 200
    assert body["rates"] == [{"tax_category": "standard", "tax_rate": "0.2", "taxable_base": "20.00", "vat": "4.00"}]
    assert body["vat_total"] == body["account_movement"] == "4.00" and body["reconciled"] is True


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "latest"])
def test_vat_report_needs_a_month(ledger_api, sample, period):
    status, body = ledger_api(_with_query(sample("ledger_api/vat_report"), period=period))
    assert status == 422


def test_a_closed_period_takes_no_postings_they_go_to_the_next_open_one(ledger_api, stack, sample):
    _post(stack, sample, "invoice_issued")

    status, closed = ledger_api(sample("ledger_api/close_period"))
    assert status == 200 and closed["period"] == "2026-11" and closed["status"] == "closed"
    assert closed["closed_by"] == "fin@tandem.example"
    status, again = ledger_api(sample("ledger_api/close_period"))
    assert status == 200 and again == closed

    late = sample("ledger_on_billing_event/credit_note_issued")  # dated 2026-11-28, arrives after the close
    stack.call(CONSUMER, late)

    _, journal = ledger_api(sample("ledger_api/journal"))
    note = next(e for e in journal["items"] if e["source_event_type"] == "CreditNoteIssued")
    assert note["document"]["document_date"] == "2026-11-28" and note["posting_date"] == "2026-12-01"
    _, november = ledger_api(sample("ledger_api/vat_report"))
    _, december = ledger_api(_with_query(sample("ledger_api/vat_report"), period="2026-12"))
    assert november["vat_total"] == "6.00" and december["vat_total"] == "-2.00"
    assert november["reconciled"] and december["reconciled"]


def test_a_period_that_has_not_ended_cannot_be_closed(ledger_api, sample):
    this_month = datetime.now(UTC).strftime("%Y-%m")
    status, body = ledger_api(_close(sample("ledger_api/close_period"), this_month))
    assert status == 409 and body["error"]["code"] == "period_not_ended"


@pytest.mark.parametrize("period", ["2026-13", "november"])
def test_closing_needs_a_month(ledger_api, sample, period):
    status, _ = ledger_api(_close(sample("ledger_api/close_period"), period))
    assert status == 422


def test_only_finance_may_close_a_period(ledger_api, sample):
    event = sample("ledger_api/close_period")
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = "sales"
    status, _ = ledger_api(event)
    assert status == 403


def test_a_redelivered_new_event_posts_once(stack, sample):
    event = sample("ledger_on_billing_event/refund_paid")
    first, second = stack.call(CONSUMER, event), stack.call(CONSUMER, copy.deepcopy(event))
    assert first == second and first["posted"] is True
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    event["detail"]["data"]["source"] = "somewhere_else"
    with pytest.raises(Exception):  # noqa: B017 - the parser's validation error reaches Lambda
        stack.call(CONSUMER, event)
