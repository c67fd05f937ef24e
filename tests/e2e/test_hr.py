"""HR over HTTP on the local runtime: hire -> change -> terminate with the events on the bus (the account
sealed), an employee's own record, leave requested by an employee and approved by their manager (LeaveApproved
on the bus, for payroll), and who may do what."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

from .conftest import eventually

IBAN = "DE89 3704 0044 0532 0130 00"
TODAY = date.today()
NEXT_MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())


def _published(http, detail_type: str, needle: str) -> list[dict[str, Any]]:
    status, body = http.get("/_local/events?limit=100000")
    assert status == 200, body
    return [e for e in body["events"] if e.get("detail-type") == detail_type and needle in json.dumps(e)]


def _hire(http, hr: str, name: str, sub: str | None = None, manager_id: str | None = None) -> dict[str, Any]:
    body = {
        "name": name,
        "email": f"{uuid.uuid4().hex[:8]}@tandem.example",
        "country": "DE",
        "hire_date": (TODAY - timedelta(days=30)).isoformat(),
        "base_salary": "4000.00",
        "position": "Engineer",
        "department": "Engineering",
        "cost_centre": "CC-100",
        "iban": IBAN,
        "bic": "COBADEFFXXX",
    }
    body |= {"user_sub": sub} if sub else {}
    body |= {"manager_id": manager_id} if manager_id else {}
    status, employee = http.post("/employees", body, token=hr)
    assert status == 201, employee
    return employee


def test_hr_hires_changes_and_terminates_an_employee_and_the_bus_hears_each_step(http):
    hr = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr")
    employee = _hire(http, hr, "Ada Keller")
    [hired] = eventually(lambda: _published(http, "EmployeeHired", employee["id"]))
    assert hired["source"] == "tandem.hr" and hired["detail"]["data"]["iban_masked"] == "DE89 **** 3000"
    assert "DE89370400440532013000" not in json.dumps(hired)

    raise_from = (TODAY - timedelta(days=5)).isoformat()
    status, changed = http.post(
        f"/employees/{employee['id']}/changes", {"effective_date": raise_from, "base_salary": "4400.00"}, token=hr
    )
    assert status == 200 and changed["base_salary"] == "4400.00"
    [event] = eventually(lambda: _published(http, "EmployeeChanged", employee["id"]))
    assert event["detail"]["data"]["change_number"] == 1

    status, error = http.post(
        f"/employees/{employee['id']}/termination", {"termination_date": "2000-01-31", "reason": "x"}, token=hr
    )
    assert status == 422 and error["error"]["details"][0]["field"] == "termination_date"
    last = (TODAY + timedelta(days=30)).isoformat()
    status, terminated = http.post(
        f"/employees/{employee['id']}/termination", {"termination_date": last, "reason": "Resigned"}, token=hr
    )
    assert status == 200 and terminated["termination_date"] == last
    eventually(lambda: _published(http, "EmployeeTerminated", employee["id"]))


def test_an_invalid_iban_is_refused_naming_the_field(http):
    hr = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr")
    body = {
        "name": "Bad Iban",
        "email": "bad@tandem.example",
        "country": "DE",
        "hire_date": "2026-01-05",
        "base_salary": "3000.00",
        "position": "Engineer",
        "department": "Engineering",
        "cost_centre": "CC-100",
        "iban": "DE00 3704 0044 0532 0130 00",
    }
    status, error = http.post("/employees", body, token=hr)
    assert (
        status == 422 and error["error"]["code"] == "invalid_iban" and error["error"]["details"][0]["field"] == "iban"
    )


def test_an_employee_asks_for_leave_and_their_manager_approves_it(http):
    hr = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr")
    manager_sub, ada_sub = f"mgr-{uuid.uuid4().hex[:8]}", f"ada-{uuid.uuid4().hex[:8]}"
    manager = _hire(http, hr, "Max Brandt", sub=manager_sub)
    ada = _hire(http, hr, "Ada Keller", sub=ada_sub, manager_id=manager["id"])
    as_ada, as_manager = http.token(ada_sub, "employee"), http.token(manager_sub, "employee")
    sales = http.token(f"sales-{uuid.uuid4().hex[:6]}", "sales")

    status, me = http.get("/me", token=as_ada)
    assert status == 200 and me["id"] == ada["id"] and me["leave_balance"]["available"] == "25"
    assert http.get(f"/employees/{ada['id']}", token=sales)[0] == 403
    status, seen = http.get(f"/employees/{ada['id']}", token=as_manager)
    assert status == 200 and seen["base_salary"] is None  # a manager sees work facts, not pay
    assert http.get(f"/employees/{manager['id']}", token=as_ada)[0] == 404

    body = {"kind": "unpaid", "start": NEXT_MONDAY.isoformat(), "end": (NEXT_MONDAY + timedelta(days=1)).isoformat()}
    status, leave = http.post("/me/leave-requests", body, token=as_ada)
    assert status == 201 and leave["days"] == "2"
    status, clash = http.post("/me/leave-requests", body, token=as_ada)
    assert status == 409 and clash["error"]["code"] == "leave_overlaps"

    assert http.post(f"/leave-requests/{leave['id']}/approve", token=as_ada)[0] == 403
    status, queue = http.get("/leave-requests", token=as_manager)
    assert status == 200 and [r["id"] for r in queue["items"]] == [leave["id"]]
    status, approved = http.post(f"/leave-requests/{leave['id']}/approve", token=as_manager)
    assert status == 200 and approved["status"] == "approved"
    [event] = eventually(lambda: _published(http, "LeaveApproved", leave["id"]))
    assert event["detail"]["data"]["days_by_month"] and event["detail"]["data"]["kind"] == "unpaid"


def test_the_demo_data_hires_the_payroll_scenario_once(http):
    """make run's three employees: the whole month, hired on the 16th, two approved unpaid days."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("demo_data", Path(__file__).parents[2] / "scripts" / "demo_data.py")
    demo = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(demo)  # type: ignore[union-attr]
    first = demo.load_employees(http.base_url)  # 3 hired on a fresh runtime; a re-run of the package: 0
    assert "employee(s) hired" in first and ("approved by Anna" in first or "already there" in first)
    again = demo.load_employees(http.base_url)
    assert "0 employee(s) hired" in again and "already there" in again

    status, ben = http.get("/me", token=http.token("demo-employee-ben", "employee"))
    assert status == 200 and ben["hire_date"] == TODAY.replace(day=16).isoformat()
    status, leave = http.get("/me/leave-requests", token=http.token("demo-employee-clara", "employee"))
    assert status == 200 and [(r["kind"], r["status"], r["days"]) for r in leave["items"]] == [
        ("unpaid", "approved", "2")
    ]
