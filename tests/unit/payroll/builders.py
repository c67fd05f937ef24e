"""Builders for payroll domain tests: an employee as payroll's snapshot holds them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tandem.payroll.domain.employee import EmployeeSnapshot, SalaryRecord
from tandem.payroll.domain.work_calendar import UnpaidLeaveDay

DE_IBAN = "DE89370400440532013000"


def employee(
    employee_id: str = "e-1",
    *,
    salary: str = "4000.00",
    hired: date = date(2020, 1, 1),
    terminated: date | None = None,
    records: tuple[SalaryRecord, ...] | None = None,
    unpaid: tuple[UnpaidLeaveDay, ...] = (),
    country: str = "DE",
    subdivision: str | None = None,
) -> EmployeeSnapshot:
    return EmployeeSnapshot(
        employee_id=employee_id,
        name="Ada Example",
        email="ada@example.com",
        country=country,
        subdivision=subdivision,
        hire_date=hired,
        termination_date=terminated,
        salary_records=records or (SalaryRecord(hired, Decimal(salary)),),
        iban=DE_IBAN,
        bic="COBADEFFXXX",
        unpaid_leave=unpaid,
    )
