"""Corrections over HTTP on the local runtime: a posted and paid run, the same period again (nobody paid twice),
a reversal run approved by a second payroll user that brings the ledger back to exactly where it was, and a new
run for the period that pays everyone again."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from .conftest import eventually
from .test_payroll_run import _demo_structure, _publish, _run, _sample_data

pytestmark = pytest.mark.e2e
PERIOD = "2026-12"


def _balances(http, token: str) -> dict[str, Decimal]:
    status, body = http.get("/ledger/trial-balance", token=token)
    assert status == 200, body
    assert body["balanced"] is True
    return {a["code"]: Decimal(a["balance"]) for a in body["accounts"]}


def _calculated(http, token, run_id: str) -> dict:
    return eventually(lambda: (r := _run(http, token, run_id))["status"] == "calculated" and r, timeout=30)


def _approve(http, token, run_id: str) -> dict:
    """The machine stores its task token a moment after `calculated`: 409 until then."""
    status, body = eventually(lambda: (a := http.post(f"/payroll/runs/{run_id}/approve", token=token))[0] != 409 and a)
    assert status == 200, body
    return body


def _slips(http, token, run_id: str) -> dict[str, dict]:
    status, page = http.get(f"/payroll/runs/{run_id}/payslips?limit=100", token=token)
    assert status == 200, page
    return {s["employee_id"]: s for s in page["items"]}


def test_a_period_is_paid_once_reversed_by_four_eyes_back_to_the_ledger_before_and_paid_again(runtime, http):
    pat, quinn = http.token("pat", "payroll"), http.token("quinn", "payroll")
    finance = http.token("e2e-reversal-finance", "finance")
    first_id, second_id = str(uuid.uuid4()), str(uuid.uuid4())
    _, structures = http.get("/payroll/structures", token=pat)
    if not structures["items"]:  # the package's runtime is shared: another test may have made it
        assert http.post("/payroll/structures", _demo_structure(), token=pat)[0] == 201
    hired = _sample_data("employee_hired")
    _publish(runtime, "EmployeeHired", {**hired, "employee_id": first_id, "user_sub": None})
    _publish(runtime, "EmployeeHired", {**hired, "employee_id": second_id, "user_sub": None})
    eventually(lambda: _learned(runtime, first_id) and _learned(runtime, second_id), timeout=15)
    ours = {first_id, second_id}

    # (1) a run for the month: calculated, approved by a second user, posted and paid
    before = _balances(http, finance)
    status, started = http.post("/payroll/runs", {"period": PERIOD}, token=pat)
    assert status == 202, started
    original = started["id"]
    _calculated(http, pat, original)
    paid_first = _slips(http, pat, original)
    assert ours <= set(paid_first)
    _approve(http, quinn, original)
    eventually(lambda: _run(http, pat, original)["status"] == "posted", timeout=15)
    assert http.post(f"/payroll/runs/{original}/paid", token=quinn)[0] == 200
    run = _run(http, pat, original)
    net = Decimal(run["totals"]["net"])
    posted = eventually(lambda: (b := _balances(http, finance))["1000"] == before["1000"] - net and b, timeout=15)
    assert posted["6000"] - before["6000"] == Decimal(run["totals"]["gross"])
    assert posted["2300"] == before["2300"]  # accrued and paid

    # (2) the same period again: everyone has a slip, so the run has nothing to pay and says so
    status, again = http.post("/payroll/runs", {"period": PERIOD}, token=pat)
    assert status == 202
    empty = _calculated(http, pat, again["id"])
    assert empty["employees"] == 0 and empty["totals"]["employees"] == 0 and empty["totals"]["net"] == "0"
    assert ours <= set(empty["skipped_employee_ids"])
    assert _slips(http, pat, again["id"]) == {}
    eventually(lambda: http.post(f"/payroll/runs/{again['id']}/reject", {"reason": "Nothing to pay"}, token=quinn)[0]
               == 200)  # fmt: skip

    # (3) the reversal: the RBAC matrix, then four eyes
    path = f"/payroll/runs/{original}/reversal"
    assert http.post(path, {}, token=None)[0] == 401
    assert http.post(path, {}, token=http.token("sam", "sales"))[0] == 403
    assert http.post(path, {}, token=http.token("hanna", "hr"))[0] == 403
    status, reversal = http.post(path, {"reason": "Wrong salary for one employee"}, token=pat)
    assert status == 202, reversal
    assert reversal["kind"] == "reversal" and reversal["reverses_run_id"] == original
    assert Decimal(reversal["totals"]["net"]) == -net
    assert http.post(path, {}, token=quinn)[0] == 409  # one reversal at a time
    assert http.get(f"/payroll/runs/{original}", token=http.token("sam", "sales"))[0] == 403
    status, refused = eventually(
        lambda: (a := http.post(f"/payroll/runs/{reversal['id']}/approve", token=pat))[0] != 409 and a
    )
    assert status == 403 and refused["error"]["code"] == "four_eyes_required"
    _approve(http, quinn, reversal["id"])
    eventually(lambda: _run(http, pat, reversal["id"])["status"] == "posted", timeout=15)
    first = _run(http, pat, original)
    assert first["status"] == "reversed" and first["reversed_by_run_id"] == reversal["id"]
    after = eventually(lambda: (b := _balances(http, finance)) == before and b, timeout=15)
    assert after == before  # every account exactly where it was before the first run
    assert http.post(path, {}, token=pat)[0] == 409  # reversed once and for all

    # (4) a new run for the period pays both again
    status, third = http.post("/payroll/runs", {"period": PERIOD}, token=pat)
    assert status == 202
    _calculated(http, pat, third["id"])
    paid_again = _slips(http, pat, third["id"])
    assert ours <= set(paid_again)
    assert {e: paid_again[e]["net"] for e in ours} == {e: paid_first[e]["net"] for e in ours}
    # the runtime is shared: leave no run holding the period (and its employees) for the tests after this one
    eventually(lambda: http.post(f"/payroll/runs/{third['id']}/reject", {"reason": "e2e done"}, token=quinn)[0]
               == 200)  # fmt: skip


def _learned(runtime, employee_id: str) -> bool:
    dynamodb, table = runtime.client("dynamodb"), runtime.physical_id("PayrollTable")
    key = {"PK": {"S": f"EMP#{employee_id}"}, "SK": {"S": "EMP"}}
    return "Item" in dynamodb.get_item(TableName=table, Key=key)
