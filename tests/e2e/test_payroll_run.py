"""A payroll run over HTTP on the local runtime: HR's events on the bus fill payroll's read model, the run's
state machine snapshots, computes in a Map, waits for a second payroll user's approval and posts."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import eventually

pytestmark = pytest.mark.e2e
SAMPLES = Path(__file__).resolve().parents[2] / "events"


def _publish(runtime, event_type: str, data: dict) -> None:
    now = datetime.now(UTC)
    detail = {
        "metadata": {
            "event_id": str(uuid.uuid4()),
            "event_type": event_type,
            "version": 1,
            "occurred_at": now.isoformat().replace("+00:00", "Z"),
            "correlation_id": "e2e-payroll",
            "causation_id": "e2e-payroll",
        },
        "data": data,
    }
    entry = {
        "Source": "tandem.hr",
        "DetailType": event_type,
        "Detail": json.dumps(detail),
        "EventBusName": runtime.physical_id("EventBus"),
        "Time": now,
    }
    assert runtime.client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0


def _sample_data(name: str) -> dict:
    return json.loads((SAMPLES / "payroll_on_hr_event" / f"{name}.json").read_text())["detail"]["data"]


def _run(http, token, run_id):
    status, run = http.get(f"/payroll/runs/{run_id}", token=token)
    assert status == 200, run
    return run


def test_a_month_is_computed_approved_by_a_second_person_and_posted(runtime, http):
    starter, approver = http.token("pat", "payroll"), http.token("quinn", "payroll")
    ada_sub = f"ada-{uuid.uuid4().hex[:8]}"
    whole, late, unpaid = (str(uuid.uuid4()) for _ in range(3))

    status, structure = http.post("/payroll/structures", _demo_structure(), token=starter)
    assert status == 201, structure
    hired = _sample_data("employee_hired")
    _publish(runtime, "EmployeeHired", {**hired, "employee_id": whole, "user_sub": ada_sub})
    _publish(runtime, "EmployeeHired", {**hired, "employee_id": late, "hire_date": "2026-12-16", "user_sub": None})
    _publish(runtime, "EmployeeHired", {**hired, "employee_id": unpaid, "user_sub": None})
    _publish(runtime, "LeaveApproved", {**_sample_data("leave_approved"), "employee_id": unpaid})

    # the bus is asynchronous: wait until payroll's read model has all three (and the unpaid leave)
    eventually(lambda: _learned(runtime, whole, late, unpaid), timeout=15)
    status, started = http.post("/payroll/runs", {"period": "2026-12"}, token=starter)
    assert status == 202, started
    run_id = started["id"]
    run = eventually(lambda: (r := _run(http, starter, run_id))["status"] == "calculated" and r, timeout=30)
    _, page = http.get(f"/payroll/runs/{run_id}/payslips", token=starter)
    slips = {s["employee_id"]: s for s in page["items"]}
    mine = {whole, late, unpaid}
    assert mine <= set(slips)
    assert {e: slips[e]["payment_days"] for e in mine} == {whole: "22", late: "11", unpaid: "20"}
    assert Decimal(run["totals"]["net"]) == sum(Decimal(s["net"]) for s in slips.values())

    status, refused = http.post(f"/payroll/runs/{run_id}/approve", token=starter)
    assert status == 403 and refused["error"]["code"] == "four_eyes_required"
    sales = http.token("sam", "sales")
    assert http.get(f"/payroll/runs/{run_id}/payslips", token=sales)[0] == 403
    assert http.get(f"/payroll/runs/{run_id}", token=None)[0] == 401

    status, approved = eventually(
        lambda: (a := http.post(f"/payroll/runs/{run_id}/approve", token=approver))[0] != 409 and a
    )
    assert status == 200, approved
    eventually(lambda: _run(http, starter, run_id)["status"] == "posted", timeout=15)
    status, paid = http.post(f"/payroll/runs/{run_id}/paid", token=approver)
    assert status == 200 and paid["status"] == "paid"
    # the runtime is shared: wait until the ledger booked the payment, so no later test's balances move under it
    eventually(lambda: _booked(http, run_id, "PayrollRunPaid"), timeout=15)

    ada = http.token(ada_sub, "employee")
    status, own = http.get("/me/payslips", token=ada)
    assert status == 200 and [s["employee_id"] for s in own["items"]] == [whole]
    assert http.get("/me/payslips", token=http.token("nobody", "employee"))[0] == 404


def _booked(http, run_id: str, event_type: str) -> bool:
    status, journal = http.get("/ledger/journal?limit=20", token=http.token("e2e-payroll-finance", "finance"))
    assert status == 200, journal
    return any(
        (e.get("document") or {}).get("id") == run_id and e["source_event_type"] == event_type for e in journal["items"]
    )


def _learned(runtime, *employee_ids: str) -> bool:
    """Payroll's read model (its own table) has every employee, the last one with its unpaid leave."""
    dynamodb, table = runtime.client("dynamodb"), runtime.physical_id("PayrollTable")
    items = [
        dynamodb.get_item(TableName=table, Key={"PK": {"S": f"EMP#{e}"}, "SK": {"S": "EMP"}}) for e in employee_ids
    ]
    return all("Item" in i for i in items) and "2026-12-09" in items[-1]["Item"]["doc"]["S"]


def _demo_structure() -> dict:
    sample = json.loads((SAMPLES / "payroll_api" / "create_salary_structure.json").read_text())
    return json.loads(sample["body"])
