"""LedgerApiFunction under moto: chart, trial balance and journal for the finance group only."""

from __future__ import annotations

import copy
import json
import uuid

import pytest


@pytest.fixture
def ledger_api(stack):
    def call(event: dict) -> tuple[int, dict]:
        response = stack.call("LedgerApiFunction", event)
        return response["statusCode"], json.loads(response["body"])

    return call


@pytest.fixture
def posted(stack, sample):
    """The sample invoice, credit note and payment, posted by the consumer."""
    for name in ("invoice_issued", "credit_note_issued", "payment_received"):
        stack.call("LedgerOnBillingEventFunction", sample(f"ledger_on_billing_event/{name}"))


def _with_query(event: dict, **query: str) -> dict:
    event = copy.deepcopy(event)
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return event


def test_chart_of_accounts_lists_the_agreed_codes(ledger_api, sample):
    status, body = ledger_api(sample("ledger_api/accounts"))

    assert status == 200
    assert [a["code"] for a in body["items"]] == [
        "1000",
        "1200",
        "1300",
        "2000",
        "2100",
        "2200",
        "2300",
        "2400",
        "2500",
        "2900",
        "3000",
        "4000",
        "5000",
        "6000",
        "6100",
    ]
    assert body["items"][0] == {"code": "1000", "name": "Bank", "type": "asset"} and body["next_token"] is None


def test_chart_of_accounts_pages_by_code(ledger_api, sample):
    first_status, first = ledger_api(_with_query(sample("ledger_api/accounts"), limit="5"))
    second_status, second = ledger_api(
        _with_query(sample("ledger_api/accounts"), limit="5", next_token=first["next_token"])
    )

    assert first_status == second_status == 200
    assert [a["code"] for a in first["items"]] == ["1000", "1200", "1300", "2000", "2100"] and first["next_token"]
    assert [a["code"] for a in second["items"]] == ["2200", "2300", "2400", "2500", "2900"]
    third_status, third = ledger_api(
        _with_query(sample("ledger_api/accounts"), limit="5", next_token=second["next_token"])
    )
    assert third_status == 200 and [a["code"] for a in third["items"]] == ["3000", "4000", "5000", "6000", "6100"]
    assert third["next_token"] is None


@pytest.mark.parametrize("token", ["9999", "6100", "not-a-code"])
def test_chart_of_accounts_refuses_a_page_token_it_did_not_issue(ledger_api, sample, token):
    status, body = ledger_api(_with_query(sample("ledger_api/accounts"), next_token=token))

    assert status == 422 and body["error"]["code"] == "invalid_page_token"


def test_empty_ledger_has_a_balanced_trial_balance_of_zeros(ledger_api, sample):
    status, body = ledger_api(sample("ledger_api/trial_balance"))

    assert status == 200
    assert body["balanced"] is True and body["total_debit"] == body["total_credit"] == "0.00"
    assert len(body["accounts"]) == 15


def test_trial_balance_after_invoice_credit_note_and_payment(ledger_api, sample, posted):
    status, body = ledger_api(sample("ledger_api/trial_balance"))

    assert status == 200
    assert body["currency"] == "EUR" and body["balanced"] is True
    accounts = {a["code"]: a for a in body["accounts"]}
    assert accounts["1200"] == {
        "code": "1200",
        "name": "Accounts receivable",
        "type": "asset",
        "debit": "36.00",
        "credit": "36.00",
        "balance": "0.00",
    }
    assert accounts["1000"]["balance"] == "24.00"
    assert accounts["4000"]["balance"] == "20.00" and accounts["2200"]["balance"] == "4.00"
    assert body["total_debit"] == body["total_credit"] == "72.00"


def test_journal_lists_entries_newest_first(ledger_api, sample, posted):
    status, body = ledger_api(sample("ledger_api/journal"))

    assert status == 200 and body["next_token"] is None
    assert [e["source_event_type"] for e in body["items"]] == ["PaymentReceived", "CreditNoteIssued", "InvoiceIssued"]
    assert body["items"][0]["lines"] == [
        {"account": "1000", "debit": "24.00", "credit": "0.00"},
        {"account": "1200", "debit": "0.00", "credit": "24.00"},
    ]
    assert body["items"][2]["source_event_id"] == "66666666-6666-4666-8666-666666666666"


def test_journal_pages_with_next_token(ledger_api, sample, posted):
    first_status, first = ledger_api(_with_query(sample("ledger_api/journal"), limit="2"))
    second_status, second = ledger_api(
        _with_query(sample("ledger_api/journal"), limit="2", next_token=first["next_token"])
    )

    assert first_status == second_status == 200
    assert len(first["items"]) == 2 and first["next_token"]
    assert [e["source_event_type"] for e in second["items"]] == ["InvoiceIssued"]


@pytest.mark.parametrize("token", ["not-base64!", "e30", "eyJQSyI6IiJ9"])
def test_journal_refuses_a_page_token_it_did_not_issue(ledger_api, sample, token):
    status, body = ledger_api(_with_query(sample("ledger_api/journal"), next_token=token))

    assert status == 422 and body["error"]["code"] == "invalid_page_token"


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_journal_limit_must_be_between_1_and_100(ledger_api, sample, limit):
    status, body = ledger_api(_with_query(sample("ledger_api/journal"), limit=limit))
    assert status == 422 and body["error"]["details"][0]["field"] == "limit"


def test_other_groups_may_not_read_the_ledger(ledger_api, sample):
    status, body = ledger_api(sample("ledger_api/trial_balance_wrong_group"))

    assert status == 403 and body["error"]["code"] == "forbidden"


def test_request_without_claims_is_unauthorized(ledger_api, sample):
    event = sample("ledger_api/journal")
    del event["requestContext"]["authorizer"]

    status, _ = ledger_api(event)

    assert status == 401


def test_journal_entry_id_is_stable_for_the_source_event(ledger_api, sample, posted):
    _, body = ledger_api(sample("ledger_api/journal"))
    invoice_entry = body["items"][2]
    expected = uuid.uuid5(
        uuid.uuid5(uuid.NAMESPACE_URL, "tandem:ledger:journal-entry"), "66666666-6666-4666-8666-666666666666"
    )
    assert invoice_entry["id"] == str(expected)
