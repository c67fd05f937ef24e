"""Who sees what of an employee: one pure function the routes will call with the token's sub and groups.

- ``hr`` and ``payroll`` see everything, pay and bank account included.
- The employee themself (group ``employee``, token ``sub`` == the record's ``user_sub``) sees their own
  record *with* their salary and full IBAN: a payslip shows both anyway, they are the one to spot a wrong
  account before payday, and ERPNext shows employees their own record the same way.
- Their manager (an ``employee`` whose employee id is the record's ``manager_id``) sees the work facts
  (position, department, working time) to decide leave, never pay or bank details.
- Anyone else, ``sales`` included, gets ``EmployeeNotFound``: not even whether the person exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tandem.hr.domain.errors import EmployeeNotFound
from tandem.hr.domain.model import Employee

PAY_GROUPS = frozenset({"hr", "payroll"})
EMPLOYEE_GROUP = "employee"


@dataclass(frozen=True)
class Caller:
    """The token's ``sub`` and groups; ``employee_id`` is the employee whose ``user_sub`` it is, if any."""

    sub: str
    groups: frozenset[str]
    employee_id: UUID | None = None


def is_self(caller: Caller, employee: Employee) -> bool:
    return EMPLOYEE_GROUP in caller.groups and caller.sub == employee.details.user_sub


def is_manager(caller: Caller, employee: Employee, on: date) -> bool:
    record = employee.record_as_of(on) or employee.hire_record
    return (
        EMPLOYEE_GROUP in caller.groups and caller.employee_id is not None and caller.employee_id == record.manager_id
    )


def sees_pay(caller: Caller, employee: Employee) -> bool:
    return bool(caller.groups & PAY_GROUPS) or is_self(caller, employee)


def employee_view(employee: Employee, caller: Caller, on: date) -> dict[str, object]:
    """The employee as ``caller`` may see them on ``on`` (the record in force that day), or EmployeeNotFound."""
    if not (sees_pay(caller, employee) or is_manager(caller, employee, on)):
        raise EmployeeNotFound()
    record = employee.record_as_of(on) or employee.hire_record
    view: dict[str, object] = {
        "id": employee.id,
        "name": employee.details.name,
        "email": employee.details.email,
        "country": employee.details.country,
        "hire_date": employee.hire_date,
        "termination_date": employee.termination.last_day if employee.termination else None,
        "active": employee.is_active(on),
        "position": record.position,
        "department": record.department,
        "cost_centre": record.cost_centre,
        "working_time": record.working_time,
        "manager_id": record.manager_id,
    }
    if sees_pay(caller, employee):
        view |= {
            "base_salary": record.base_salary,
            "iban": employee.bank_account.display,
            "bic": employee.bank_account.bic,
            "tax_code": record.tax.tax_code,
            "contribution_exemptions": sorted(record.tax.contribution_exemptions),
            "annual_leave_days": record.annual_leave_days,
        }
    return view
