"""LedgerOnBillingEventFunction under moto: one journal entry per billing event, balances in the same write."""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal

import pytest
from tandem.ledger.domain.errors import UnsupportedCurrency

FUNCTION = "LedgerOnBillingEventFunction"


def _items(stack, kind: str) -> list[dict]:
    return [item for item in stack.items("LedgerTable") if item.get("type") == kind]


def _balances(stack) -> dict[str, tuple[Decimal, Decimal]]:
    return {item["account"]: (item["debit_total"], item["credit_total"]) for item in _items(stack, "account_balance")}


def _again(event: dict) -> dict:
    """The same event shape with a fresh event id (another document of the same kind)."""
    event = copy.deepcopy(event)
    event["id"] = str(uuid.uuid4())
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    return event


def test_invoice_issued_posts_receivables_revenue_and_vat_with_its_outbox_event(stack, sample):
    result = stack.call(FUNCTION, sample("ledger_on_billing_event/invoice_issued"))

    assert result["posted"] is True
    [entry] = _items(stack, "journal_entry")
    assert entry["source_event_id"] == "66666666-6666-4666-8666-666666666666"
    assert entry["source_event_type"] == "InvoiceIssued" and entry["id"] == result["entry_id"]
    assert _balances(stack) == {"1200": (Decimal("36"), 0), "4000": (0, Decimal("30")), "2200": (0, Decimal("6"))}
    [outbox] = _items(stack, "outbox")
    assert outbox["source"] == "tandem.ledger" and outbox["detail_type"] == "JournalPosted"


def test_event_delivered_twice_posts_once(stack, sample):
    event = sample("ledger_on_billing_event/invoice_issued")

    first = stack.call(FUNCTION, event)
    second = stack.call(FUNCTION, event)

    assert first == second
    assert len(_items(stack, "journal_entry")) == 1
    assert _balances(stack)["1200"] == (Decimal("36"), 0)


def test_redelivery_after_the_idempotency_record_expired_still_changes_nothing(stack, sample, dynamodb):
    event = sample("ledger_on_billing_event/payment_received")
    stack.call(FUNCTION, event)
    table = stack.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})

    again = stack.call(FUNCTION, event)

    assert again["posted"] is False and again["reason"] == "already_posted"
    assert len(_items(stack, "journal_entry")) == 1
    assert _balances(stack) == {"1000": (Decimal("24"), 0), "1200": (0, Decimal("24"))}


def test_invoice_credit_note_and_payment_leave_receivables_at_zero(stack, sample):
    for name in ("invoice_issued", "credit_note_issued", "payment_received"):
        stack.call(FUNCTION, sample(f"ledger_on_billing_event/{name}"))

    balances = _balances(stack)
    debit, credit = balances["1200"]
    assert debit - credit == 0
    assert sum(d for d, _ in balances.values()) == sum(c for _, c in balances.values())
    assert len(_items(stack, "journal_entry")) == 3


def test_document_in_another_currency_is_refused_loudly_and_not_remembered(stack, sample, dynamodb):
    event = _again(sample("ledger_on_billing_event/invoice_issued"))
    event["detail"]["data"]["currency"] = "USD"

    with pytest.raises(UnsupportedCurrency):
        stack.call(FUNCTION, event)

    assert _items(stack, "journal_entry") == []
    assert dynamodb.scan(TableName=stack.physical["IdempotencyTable"])["Items"] == []  # a retry does the work


def test_event_that_is_not_a_billing_document_is_refused(stack, sample):
    event = _again(sample("ledger_on_billing_event/invoice_issued"))
    event["detail"]["metadata"]["event_type"] = "InvoicePaid"

    with pytest.raises(Exception):  # noqa: B017 - the parser's validation error reaches Lambda
        stack.call(FUNCTION, event)
    assert _items(stack, "journal_entry") == []
