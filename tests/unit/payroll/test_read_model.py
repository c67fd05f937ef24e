"""Payroll's read model of HR: HR's events read tolerantly, folded in any order, redeliveries ignored."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from tandem.payroll.domain.errors import InvalidSagaInput
from tandem.payroll.domain.read_model import EmployeeReadModel, SalaryChange
from tandem.payroll.domain.work_calendar import PayPeriod
from tandem.payroll.inbound import HrEvent
from tandem.payroll.saga import actions
from tandem.shared.saga import UnknownSagaAction

SAMPLES = Path(__file__).resolve().parents[3] / "events" / "payroll_on_hr_event"


def _event(name: str, **data) -> HrEvent:
    detail = copy.deepcopy(json.loads((SAMPLES / f"{name}.json").read_text())["detail"])
    detail["data"].update(data)
    return HrEvent.parse_detail(detail)


def _fold(*events: HrEvent) -> EmployeeReadModel:
    employee = EmployeeReadModel("e1")
    for event in events:
        command = event.to_command()
        if command is not None:
            command.applied_to(employee)
    return employee


def test_every_sample_of_hr_is_read():
    for path in SAMPLES.glob("*.json"):
        assert HrEvent.parse_detail(json.loads(path.read_text())["detail"]).to_command() is not None, path.name


def test_the_hire_gives_a_payable_snapshot_with_the_masked_iban_only():
    snapshot = _fold(_event("employee_hired")).snapshot()
    assert snapshot is not None and snapshot.iban == "DE89 **** 3000"
    assert snapshot.salary_records[0].monthly_base_salary == Decimal("4000.00")


def test_a_change_before_its_hire_is_kept_and_not_payable_until_the_hire():
    employee = _fold(_event("employee_changed"))
    assert employee.snapshot() is None
    _event("employee_hired").to_command().applied_to(employee)  # type: ignore[union-attr]
    snapshot = employee.snapshot()
    assert snapshot is not None
    assert [r.monthly_base_salary for r in snapshot.salary_records] == [Decimal("4000.00"), Decimal("4400.00")]


def test_any_order_of_the_same_events_gives_the_same_salary_history():
    events = [
        _event("employee_hired"),
        _event("employee_changed", change_number=1, effective_date="2026-12-16", changes={"base_salary": "4400.00"}),
        _event("employee_changed", change_number=2, effective_date="2026-12-16", changes={"base_salary": "4500.00"}),
        _event("employee_changed", change_number=3, effective_date="2026-12-01", changes={"working_time": "0.5"}),
    ]
    histories = {_fold(*order).salary_records() for order in itertools.permutations(events)}
    assert len(histories) == 1
    [history] = histories
    period = PayPeriod(2026, 12)
    segments = _fold(*events).snapshot().salary_segments(period)  # type: ignore[union-attr]
    # same day: the later change number wins, as HR's record_as_of decides
    assert [(start, r.monthly_base_salary, r.working_time) for start, r in segments] == [
        (date(2026, 12, 1), Decimal("4000.00"), Decimal("0.5")),
        (date(2026, 12, 16), Decimal("4500.00"), Decimal("0.5")),
    ]
    assert len(history) == 4


def test_a_redelivered_change_changes_nothing():
    employee = _fold(_event("employee_hired"), _event("employee_changed"))
    assert employee.change(SalaryChange(1, date(2026, 12, 20), Decimal("9999.00"))) is False


def test_paid_leave_is_not_payroll_s_business_and_a_cancelled_unpaid_leave_gives_the_days_back():
    assert _event("leave_approved", kind="paid").to_command() is None
    employee = _fold(_event("employee_hired"), _event("leave_approved"))
    assert len(employee.snapshot().unpaid_leave) == 2  # type: ignore[union-attr]
    _event("leave_cancelled").to_command().applied_to(employee)  # type: ignore[union-attr]
    assert employee.snapshot().unpaid_leave == ()  # type: ignore[union-attr]


def test_a_malformed_event_is_refused_naming_the_field():
    with pytest.raises(ValidationError, match="country"):
        _event("employee_hired", country="Germany")


def test_saga_input_is_validated_before_anything_runs():
    saga = actions(service=None)  # type: ignore[arg-type]  # nothing reaches the service
    with pytest.raises(UnknownSagaAction):
        saga.dispatch({"action": "pay_everyone", "run_id": "r1"})
    with pytest.raises(InvalidSagaInput):
        saga.dispatch({"action": "compute_batch", "run_id": "r1"})  # no batch
    with pytest.raises(InvalidSagaInput):
        saga.dispatch({"action": "await_approval", "run_id": "r1", "task_token": ""})
