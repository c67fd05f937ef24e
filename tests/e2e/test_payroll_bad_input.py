"""Payroll's bad input over HTTP on the local runtime: a period beyond next month and a structure whose
percentage components form a cycle are clear 422s that name the problem, and nothing is stored.
(An invalid IBAN, termination before hire and overlapping leave are in test_hr.py.)"""

from __future__ import annotations

import uuid
from datetime import date

import pytest

pytestmark = pytest.mark.e2e


def _month_after_next(today: date) -> str:
    months = today.year * 12 + today.month - 1 + 2
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _runs(http, token) -> list[str]:
    status, page = http.get("/payroll/runs?limit=100", token=token)
    assert status == 200, page
    return [run["id"] for run in page["items"]]


def _structures(http, token) -> list[str]:
    status, page = http.get("/payroll/structures?limit=100", token=token)
    assert status == 200, page
    return [structure["id"] for structure in page["items"]]


def test_a_period_beyond_next_month_is_422_naming_the_field_and_starts_nothing(http):
    payroll = http.token(f"pay-{uuid.uuid4().hex[:6]}", "payroll")
    before = _runs(http, payroll)

    status, error = http.post("/payroll/runs", {"period": _month_after_next(date.today())}, token=payroll)
    assert status == 422, error
    assert error["error"]["code"] == "invalid_payroll_period"
    assert error["error"]["details"]["field"] == "period"
    status, error = http.post("/payroll/runs", {"period": "December"}, token=payroll)
    assert status == 422 and error["error"]["details"] == [
        {"field": "period", "message": "String should match pattern '^[0-9]{4}-[0-9]{2}$'"}
    ], error
    assert _runs(http, payroll) == before


def test_a_cycle_between_percentage_components_is_422_naming_it_and_stores_nothing(http):
    payroll = http.token(f"pay-{uuid.uuid4().hex[:6]}", "payroll")
    before = _structures(http, payroll)

    def percent_of(base: str, percent: str) -> dict:
        return {"type": "percent", "base": base, "percent": percent}

    cyclic = {
        "name": f"cyclic-{uuid.uuid4().hex[:6]}",
        "currency": "EUR",
        "components": [
            {"name": "basic", "kind": "earning", "rule": {"type": "fixed", "amount": "3000.00"}},
            {"name": "pension", "kind": "employee_deduction", "rule": percent_of("levy", "5")},
            {"name": "levy", "kind": "employee_deduction", "rule": percent_of("pension", "2")},
        ],
    }

    status, error = http.post("/payroll/structures", cyclic, token=payroll)
    assert status == 422, error
    assert error["error"]["code"] == "salary_structure_cycle"
    assert "pension -> levy -> pension" in error["error"]["message"]
    assert _structures(http, payroll) == before
