"""Builders for HR domain tests: employees with sensible defaults, a fake sealer, callers and leave."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.leave import LeaveKind, LeavePeriod, LeaveRequest
from tandem.hr.domain.leave_rules import request_leave
from tandem.hr.domain.model import Employee, PersonalDetails
from tandem.hr.domain.records import EmployeeRecord
from tandem.hr.domain.visibility import Caller

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
IBAN_DE = "DE89370400440532013000"
BIC_DE = "COBADEFFXXX"


def fake_seal(account: BankAccount, employee_id: UUID) -> str:
    """Stands in for KMS: opaque enough that a test can see no IBAN leaks into an event."""
    return f"sealed:{employee_id}:{len(account.iban)}"


def record(**overrides: object) -> EmployeeRecord:
    values: dict = {
        "base_salary": Decimal("4200.00"),
        "position": "Engineer",
        "department": "Platform",
        "cost_centre": "CC-100",
    }
    values.update(overrides)
    return EmployeeRecord(**values)


def employee(
    *,
    hire_date: date = date(2026, 1, 1),
    country: str = "DE",
    user_sub: str | None = "sub-ada",
    employee_id: UUID | None = None,
    **record_overrides: object,
) -> Employee:
    hired = Employee.hire(
        employee_id or uuid4(),
        PersonalDetails("Ada Lovelace", "ada@tandem.example", country, user_sub),
        hire_date,
        record(**record_overrides),
        BankAccount.of(IBAN_DE, BIC_DE),
        at=T0,
        seal=fake_seal,
    )
    hired.events.clear()
    return hired


def caller(sub: str = "sub-someone", *groups: str, employee_id: UUID | None = None) -> Caller:
    return Caller(sub, frozenset(groups), employee_id)


def leave(
    who: Employee,
    start: date,
    end: date | None = None,
    *,
    kind: LeaveKind = LeaveKind.PAID,
    existing: list[LeaveRequest] | None = None,
    half_day_start: bool = False,
    half_day_end: bool = False,
) -> LeaveRequest:
    period = LeavePeriod(start, end or start, half_day_start, half_day_end)
    return request_leave(uuid4(), who, kind, period, existing or [], at=T0)
