"""Reversal runs under moto: POST /payroll/runs/{id}/reversal, its four-eyes approval, Post marking the original
reversed in the reversal's transaction, the original's slips letting go of the period, and the ledger posting the
swapped lines from payroll's own outbox."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from tests.integration import test_payroll_run as payroll_run
from tests.integration.test_payroll_run import APPROVER, _api, _calculated_run, _outbox, _staff, _task

# The run tests' fixtures, under the same names: the demo structure as the default, the Step Functions calls.
structure = payroll_run.structure
task_calls = payroll_run.task_calls
pytestmark = pytest.mark.usefixtures("structure")

REVERSER = "4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a"


def _posted_run(stack, sample, *, paid: bool = False) -> str:
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)
    assert _api(stack, sample, "POST", f"/payroll/runs/{run_id}/approve", sub=APPROVER)[0] == 200
    assert _task(stack, "post", run_id)["status"] == "posted"
    if paid:
        assert _api(stack, sample, "POST", f"/payroll/runs/{run_id}/paid")[0] == 200
    return run_id


def _reverse(stack, sample, run_id: str, *, sub=REVERSER, body=None):
    return _api(stack, sample, "POST", f"/payroll/runs/{run_id}/reversal", body or {}, sub=sub)


def _approved_reversal(stack, sample, original: str) -> str:
    status, reversal = _reverse(stack, sample, original, body={"reason": "Wrong salary for one employee"})
    assert status == 202, reversal
    _task(stack, "await_approval", reversal["id"], task_token=f"token-{reversal['id']}")
    assert _api(stack, sample, "POST", f"/payroll/runs/{reversal['id']}/approve", sub=APPROVER)[0] == 200
    return reversal["id"]


def _slip_items(stack) -> list[dict]:
    return [i for i in stack.items("PayrollTable") if i["type"] in ("payslip", "reversed_payslip")]


def test_a_reversal_run_is_calculated_at_once_with_the_original_slips_negated(stack, sample):
    original = _posted_run(stack, sample)
    status, reversal = _reverse(stack, sample, original, body={"reason": "Wrong salary for one employee"})

    assert status == 202 and reversal["kind"] == "reversal" and reversal["status"] == "calculated"
    assert reversal["reverses_run_id"] == original and reversal["reason"] == "Wrong salary for one employee"
    _, first = _api(stack, sample, "GET", f"/payroll/runs/{original}")
    assert first["status"] == "posted" and first["pending_reversal_run_id"] == reversal["id"]
    assert Decimal(reversal["totals"]["net"]) == -Decimal(first["totals"]["net"]) and reversal["employees"] == 3
    _, page = _api(stack, sample, "GET", f"/payroll/runs/{reversal['id']}/payslips")
    _, originals = _api(stack, sample, "GET", f"/payroll/runs/{original}/payslips")
    assert {s["employee_id"]: s["net"] for s in page["items"]} == {
        s["employee_id"]: str(-Decimal(s["net"])) for s in originals["items"]
    }
    [started] = [e for e in _outbox(stack, "PayrollRunStarted") if e["kind"] == "reversal"]
    assert started["reverses_run_id"] == original and started["started_by"] == REVERSER
    assert "reason" not in started  # free text stays off the bus
    [calculated] = [e for e in _outbox(stack, "PayrollRunCalculated") if e["run_id"] == reversal["id"]]
    assert Decimal(calculated["totals"]["net"]) == -Decimal(first["totals"]["net"])


@pytest.mark.parametrize("state", ["calculated", "rejected"])
def test_only_a_posted_or_paid_run_can_be_reversed(stack, sample, state):
    _staff(stack, sample)
    run_id = _calculated_run(stack, sample)
    if state == "rejected":
        _api(stack, sample, "POST", f"/payroll/runs/{run_id}/reject", {"reason": "No"}, sub=APPROVER)
    status, body = _reverse(stack, sample, run_id)
    assert status == 409 and body["error"]["code"] == "payroll_run_transition_refused"
    assert f"is {state}: cannot reverse" in body["error"]["message"]
    assert _reverse(stack, sample, "no-such-run")[0] == 404
    runs = [json.loads(i["doc"]) for i in stack.items("PayrollTable") if i["type"] == "run"]
    assert [r["kind"] for r in runs] == ["regular"]  # nothing was created


def test_a_second_reversal_of_the_same_run_is_refused_and_so_is_paying_it_meanwhile(stack, sample):
    original = _posted_run(stack, sample)
    status, first = _reverse(stack, sample, original)
    assert status == 202
    status, body = _reverse(stack, sample, original, sub=APPROVER)
    assert status == 409 and f"already being reversed by run {first['id']}" in body["error"]["message"]
    status, body = _api(stack, sample, "POST", f"/payroll/runs/{original}/paid")
    assert status == 409 and "being reversed" in body["error"]["message"]
    assert len([e for e in _outbox(stack, "PayrollRunStarted") if e["kind"] == "reversal"]) == 1


def test_two_reversals_at_the_same_moment_make_one(stack, sample):
    """Both requests read the original at the same version: the condition on it in each transaction lets one
    commit; the other fails on the original and, re-read by the service, gets 409."""
    from tandem.payroll.adapters.dynamodb import DynamoUnitOfWork
    from tandem.payroll.domain.model import PayrollRun
    from tandem.payroll.domain.stored import RunRecord
    from tandem.shared.aws import bootstrap
    from tandem.shared.correlation import MessageContext
    from tandem.shared.errors import ConditionFailed

    original = _posted_run(stack, sample)
    table, client = stack.physical["PayrollTable"], bootstrap.client("dynamodb")
    first, second = DynamoUnitOfWork(table, client), DynamoUnitOfWork(table, client)
    contexts = MessageContext(correlation_id="race", causation_id="race")
    staged = []
    for uow, reversal_id in ((first, "reversal-a"), (second, "reversal-b")):
        uow.__enter__()
        record = uow.runs.get(original, with_results=True)
        reversal = PayrollRun.reversal_of(record.run, reversal_id, REVERSER, record.run.started_at)
        uow.runs.add(RunRecord(reversal, record.structure_id, 0))
        uow.runs.save(record, label="original")
        uow.record(reversal.events, contexts)
        staged.append(uow)
    first.commit()
    with pytest.raises(ConditionFailed) as lost:
        second.commit()
    assert lost.value.label == "original"
    runs = [json.loads(i["doc"]) for i in stack.items("PayrollTable") if i["type"] == "run"]
    assert [r["run_id"] for r in runs if r["kind"] == "reversal"] == ["reversal-a"]
    status, body = _reverse(stack, sample, original)  # what the loser's retry sees
    assert status == 409 and "already being reversed by run reversal-a" in body["error"]["message"]


def test_the_reversal_needs_a_second_payroll_user_and_rejecting_it_leaves_the_original(stack, sample, request):
    calls = request.getfixturevalue("task_calls")
    original = _posted_run(stack, sample)
    calls.clear()
    _, reversal = _reverse(stack, sample, original)
    _task(stack, "await_approval", reversal["id"], task_token="token-r")

    status, body = _api(stack, sample, "POST", f"/payroll/runs/{reversal['id']}/approve", sub=REVERSER)
    assert status == 403 and body["error"]["code"] == "four_eyes_required"
    assert "other than the one who started it" in body["error"]["message"]
    status, body = _api(
        stack, sample, "POST", f"/payroll/runs/{reversal['id']}/reject", {"reason": "Not needed"}, sub=APPROVER
    )
    assert status == 200 and body["status"] == "rejected"
    assert [name for name, _ in calls] == ["SendTaskFailure"]
    _, first = _api(stack, sample, "GET", f"/payroll/runs/{original}")
    assert first["status"] == "posted" and first["pending_reversal_run_id"] is None
    assert _task(stack, "discard", reversal["id"])["discarded"] == 0  # it never had slips of its own
    assert len([i for i in _slip_items(stack) if i["type"] == "payslip"]) == 3
    assert _api(stack, sample, "POST", f"/payroll/runs/{original}/paid")[0] == 200  # free to be paid again
    assert _reverse(stack, sample, original)[0] == 202  # or reversed again


def test_post_marks_the_original_reversed_in_the_same_transaction_and_frees_its_employees(stack, sample):
    original = _posted_run(stack, sample, paid=True)
    reversal = _approved_reversal(stack, sample, original)

    transactions: list[list[str]] = []
    from tandem.shared.aws import bootstrap

    client = bootstrap.client("dynamodb")
    real = client.transact_write_items

    def spy(**kwargs):
        keys = []
        for op in kwargs["TransactItems"]:
            body = next(iter(op.values()))
            item = body.get("Item") or body.get("Key")
            keys.append(f"{item['PK']['S']}|{item['SK']['S']}")
        transactions.append(keys)
        return real(**kwargs)

    client.transact_write_items = spy  # not monkeypatch: undoing it would undo the stack's environment too
    try:
        assert _task(stack, "post", reversal)["kind"] == "reversal"
    finally:
        client.transact_write_items = real

    posting = transactions[0]
    assert f"RUN#{reversal}|RUN" in posting and f"RUN#{original}|RUN" in posting
    assert any(key.startswith("OUTBOX#") for key in posting)  # PayrollRunReversed, in the same transaction
    _, first = _api(stack, sample, "GET", f"/payroll/runs/{original}")
    _, second = _api(stack, sample, "GET", f"/payroll/runs/{reversal}")
    assert first["status"] == "reversed" and first["reversed_by_run_id"] == reversal
    assert second["status"] == "posted" and second["reverses_run_id"] == original
    [reversed_event] = _outbox(stack, "PayrollRunReversed")
    assert reversed_event["reverses_run_id"] == original
    roles = {(ln["role"], "Dr" if Decimal(ln["debit"]) else "Cr") for ln in reversed_event["lines"]}
    assert ("salary_expense", "Cr") in roles and ("bank", "Dr") in roles  # the payment reversed too
    # The original's slips are kept, re-keyed; the period's keys are free again.
    slips = _slip_items(stack)
    assert sorted(i["type"] for i in slips) == ["reversed_payslip"] * 3
    _, originals = _api(stack, sample, "GET", f"/payroll/runs/{original}/payslips")
    assert len(originals["items"]) == 3  # the history still shows them
    assert _task(stack, "post", reversal)["status"] == "posted"  # a retried Post changes nothing more
    assert len(_outbox(stack, "PayrollRunReversed")) == 1

    again = _calculated_run(stack, sample)
    me = dict(function="PayrollSelfApiFunction", groups="employee", sub=payroll_run.ADA_SUB)
    status, mine = _api(stack, sample, "GET", "/me/payslips", **me)
    # the employee sees both slips of the month: the reversed one marked, kept for the record
    assert status == 200
    assert sorted((s["run_id"], s["reversed"]) for s in mine["items"]) == sorted([(again, False), (original, True)])
    _, run = _api(stack, sample, "GET", f"/payroll/runs/{again}")
    assert run["employees"] == 3 and run["skipped_employee_ids"] == []
    assert Decimal(run["totals"]["net"]) == Decimal(first["totals"]["net"])
    assert _reverse(stack, sample, original)[0] == 409  # reversed once and for all


def test_the_ledger_posts_the_reversal_from_payrolls_outbox_back_to_where_it_was(stack, sample):
    def trial_balance() -> dict[str, Decimal]:
        body = json.loads(stack.call("LedgerApiFunction", sample("ledger_api/trial_balance"))["body"])
        assert body["balanced"] is True
        return {a["code"]: Decimal(a["balance"]) for a in body["accounts"] if Decimal(a["balance"])}

    def deliver(event_type: str) -> None:
        [item] = [i for i in stack.items("PayrollTable") if i["type"] == "outbox" and i["detail_type"] == event_type]
        event = copy.deepcopy(sample("ledger_on_payroll_event/payroll_run_posted"))
        event.update({"detail-type": event_type, "detail": json.loads(item["detail"])})
        event["id"] = event["detail"]["metadata"]["event_id"]
        assert stack.call("LedgerOnPayrollEventFunction", event)["posted"] is True

    before = trial_balance()
    original = _posted_run(stack, sample, paid=True)
    deliver("PayrollRunPosted")
    deliver("PayrollRunPaid")
    during = trial_balance()
    assert "2300" not in during and during["6000"] > 0  # accrued and paid: net wages payable back to 0
    reversal = _approved_reversal(stack, sample, original)
    _task(stack, "post", reversal)
    deliver("PayrollRunReversed")
    assert trial_balance() == before


def test_who_may_reverse(stack, sample):
    original = _posted_run(stack, sample)
    path = f"/payroll/runs/{original}/reversal"
    for groups in ("sales", "hr", "employee", "finance"):
        assert _api(stack, sample, "POST", path, {}, groups=groups)[0] == 403, groups
    assert _api(stack, sample, "POST", path, {}, groups=None)[0] == 401
    status, body = _api(stack, sample, "POST", path, {"reason": "x" * 1001}, sub=REVERSER)
    assert status == 422 and body["error"]["details"][0]["field"].endswith("reason")
    assert _api(stack, sample, "POST", path, {}, sub=REVERSER)[0] == 202
