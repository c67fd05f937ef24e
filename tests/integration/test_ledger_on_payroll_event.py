"""LedgerOnPayrollEventFunction under moto: a payroll run's accrual, payment and reversal, each posted once
from the lines payroll sent, seen through the ledger API's trial balance and journal."""

from __future__ import annotations

import copy
import json
import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError
from tandem.ledger.domain.errors import UnbalancedEntry

FUNCTION = "LedgerOnPayrollEventFunction"
D = Decimal
# The samples: a December 2026 run of the demo structure (two employees), its payment, a reversal run of it.
GROSS, EMPLOYER, NET, TAX, SOCIAL = D("5650.00"), D("593.25"), D("4477.05"), D("647.50"), D("1118.70")


def _items(stack, kind: str) -> list[dict]:
    return [item for item in stack.items("LedgerTable") if item.get("type") == kind]


@pytest.fixture
def trial_balance(stack, sample):
    def read() -> dict:
        response = stack.call("LedgerApiFunction", sample("ledger_api/trial_balance"))
        assert response["statusCode"] == 200
        return json.loads(response["body"])

    return read


def _balances(body: dict) -> dict[str, Decimal]:
    """Each account's balance on its normal side, accounts with movements only."""
    return {a["code"]: D(a["balance"]) for a in body["accounts"] if D(a["debit"]) or D(a["credit"])}


def _post(stack, sample, name: str) -> dict:
    return stack.call(FUNCTION, sample(f"ledger_on_payroll_event/{name}"))


def test_the_accrual_debits_salary_and_employer_expense_and_credits_the_three_payables(stack, sample, trial_balance):
    result = _post(stack, sample, "payroll_run_posted")

    assert result["posted"] is True
    body = trial_balance()
    assert body["balanced"] is True
    assert _balances(body) == {
        "6000": GROSS,  # salary expense = Σ gross
        "6100": EMPLOYER,
        "2300": NET,  # net wages payable = Σ net
        "2400": TAX,
        "2500": SOCIAL,
    }
    [entry] = _items(stack, "journal_entry")
    assert entry["source_event_type"] == "PayrollRunPosted"
    assert entry["posting_date"] == "2026-12-31"  # wages are an expense of the month they are earned in
    [outbox] = _items(stack, "outbox")
    assert outbox["source"] == "tandem.ledger" and outbox["detail_type"] == "JournalPosted"


def test_paying_the_run_brings_net_wages_payable_back_to_zero_against_the_bank(stack, sample, trial_balance):
    _post(stack, sample, "payroll_run_posted")
    paid = _post(stack, sample, "payroll_run_paid")

    assert paid["posted"] is True
    balances = _balances(trial_balance())
    assert balances["2300"] == 0
    assert balances["1000"] == -NET  # the bank credited with Σ net
    assert balances["6000"] == GROSS and balances["2400"] == TAX and balances["2500"] == SOCIAL
    paid_entry = next(e for e in _items(stack, "journal_entry") if e["source_event_type"] == "PayrollRunPaid")
    assert paid_entry["posting_date"] == "2026-12-30"


def test_the_reversal_run_brings_the_ledger_back_to_where_it_was_before_the_run(stack, sample, trial_balance):
    before = trial_balance()
    for name in ("payroll_run_posted", "payroll_run_paid", "payroll_run_reversed"):
        assert _post(stack, sample, name)["posted"] is True

    after = trial_balance()
    assert after["balanced"] is True
    assert {a["code"]: a["balance"] for a in after["accounts"]} == {a["code"]: a["balance"] for a in before["accounts"]}
    assert len(_items(stack, "journal_entry")) == 3  # nothing edited: three entries, the last the opposite


def test_a_reversal_of_a_run_never_paid_reverses_the_accrual_only(stack, sample, trial_balance):
    unpaid_reversal = copy.deepcopy(sample("ledger_on_payroll_event/payroll_run_reversed"))
    lines = unpaid_reversal["detail"]["data"]["lines"]
    unpaid_reversal["detail"]["data"]["lines"] = [ln for ln in lines if ln["role"] != "bank"][:5]
    _post(stack, sample, "payroll_run_posted")

    stack.call(FUNCTION, unpaid_reversal)

    assert all(balance == 0 for balance in _balances(trial_balance()).values())


@pytest.mark.parametrize("name", ["payroll_run_posted", "payroll_run_paid", "payroll_run_reversed"])
def test_a_redelivered_event_posts_nothing_twice_even_after_the_idempotency_record_expired(
    stack, sample, dynamodb, name
):
    event = sample(f"ledger_on_payroll_event/{name}")
    first = stack.call(FUNCTION, event)
    assert stack.call(FUNCTION, event) == first  # the idempotency record answers
    table = stack.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})

    again = stack.call(FUNCTION, event)

    assert again["posted"] is False and again["reason"] == "already_posted"
    assert len(_items(stack, "journal_entry")) == 1


def test_an_unbalanced_or_unknown_role_event_is_refused_and_changes_nothing(stack, sample):
    unbalanced = copy.deepcopy(sample("ledger_on_payroll_event/payroll_run_posted"))
    unbalanced["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    unbalanced["detail"]["data"]["lines"][0]["debit"] = "5650.01"
    with pytest.raises(UnbalancedEntry):
        stack.call(FUNCTION, unbalanced)

    unknown = copy.deepcopy(sample("ledger_on_payroll_event/payroll_run_posted"))
    unknown["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    unknown["detail"]["data"]["lines"][0]["role"] = "bonus_pool"
    with pytest.raises(ValidationError, match="role"):
        stack.call(FUNCTION, unknown)

    assert _items(stack, "journal_entry") == [] and _items(stack, "account_balance") == []


def test_the_journal_shows_the_run_as_the_document_with_its_period_and_no_party(stack, sample):
    _post(stack, sample, "payroll_run_posted")
    response = stack.call("LedgerApiFunction", sample("ledger_api/journal"))
    [entry] = json.loads(response["body"])["items"]
    assert entry["source_event_type"] == "PayrollRunPosted"
    assert entry["document"] == {
        "type": "payroll_run",
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "number": "2026-12",
        "document_date": "2026-12-31",
    }
    assert entry["party"] is None
