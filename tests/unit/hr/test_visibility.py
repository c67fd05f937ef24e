"""Who sees what of an employee: pay and bank details only for hr, payroll and the employee themself."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from tandem.hr.domain.errors import EmployeeNotFound
from tandem.hr.domain.records import RecordChange
from tandem.hr.domain.visibility import employee_view

from .builders import T0, caller, employee

TODAY = date(2026, 12, 7)
PAY_FIELDS = {"base_salary", "iban", "bic", "tax_code", "contribution_exemptions", "annual_leave_days"}


@pytest.mark.parametrize("group", ["hr", "payroll"])
def test_hr_and_payroll_see_pay_and_the_full_iban(group):
    view = employee_view(employee(), caller("sub-staff", group), TODAY)
    assert PAY_FIELDS <= view.keys()
    assert view["iban"] == "DE89 3704 0044 0532 0130 00"
    assert view["base_salary"] == Decimal("4200.00")


def test_the_employee_sees_their_own_record_with_their_salary_and_account():
    view = employee_view(employee(user_sub="sub-ada"), caller("sub-ada", "employee"), TODAY)
    assert view["base_salary"] == Decimal("4200.00") and view["iban"].startswith("DE89")


def test_the_manager_sees_the_work_facts_but_no_pay():
    boss = uuid4()
    view = employee_view(employee(manager_id=boss), caller("sub-boss", "employee", employee_id=boss), TODAY)
    assert view["position"] == "Engineer" and view["manager_id"] == boss
    assert not PAY_FIELDS & view.keys()


@pytest.mark.parametrize(
    "outsider",
    [
        caller("sub-sales", "sales"),
        caller("sub-other", "employee", employee_id=uuid4()),
        caller("sub-ada", "sales"),  # the right sub without the employee group is not the employee's login
        caller("sub-support", "support", "finance"),
    ],
)
def test_anyone_else_is_told_the_employee_does_not_exist(outsider):
    with pytest.raises(EmployeeNotFound):
        employee_view(employee(user_sub="sub-ada"), outsider, TODAY)


def test_the_view_shows_the_record_in_force_on_the_day_asked():
    hired = employee()
    hired.change(date(2027, 1, 1), RecordChange(base_salary=Decimal("4600.00")), at=T0)
    hr = caller("sub-hr", "hr")
    assert employee_view(hired, hr, TODAY)["base_salary"] == Decimal("4200.00")
    assert employee_view(hired, hr, date(2027, 1, 1))["base_salary"] == Decimal("4600.00")
    hired.terminate(date(2027, 3, 31), "resigned", at=T0)
    later = employee_view(hired, hr, date(2027, 4, 1))
    assert (later["active"], later["termination_date"]) == (False, date(2027, 3, 31))
