"""One employee's payslip for one period, computed from the structure and the employee's snapshot.

net = gross - employee deductions, exactly: every component is rounded once, and the totals are sums of
rounded amounts, so nothing is rounded twice. A slip that would pay a negative net is not a slip: the
employee is listed as a failure with the reason, and the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from tandem.payroll.domain.employee import EmployeeSnapshot, salary_parts
from tandem.payroll.domain.errors import InvalidEmployeeSnapshot
from tandem.payroll.domain.structure import ComponentKind, SalaryStructure, Withholding
from tandem.payroll.domain.work_calendar import PayPeriod, payment_days, working_days

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PayslipLine:
    name: str
    kind: ComponentKind
    amount: Decimal
    withholding: Withholding


@dataclass(frozen=True, slots=True)
class YearToDate:
    """Totals of the calendar year's slips up to and including this one; per component by name."""

    gross: Decimal = ZERO
    deductions: Decimal = ZERO
    employer_contributions: Decimal = ZERO
    net: Decimal = ZERO
    components: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))

    def plus(self, slip: Payslip) -> YearToDate:
        components = dict(self.components)
        for line in slip.lines:
            components[line.name] = components.get(line.name, ZERO) + line.amount
        return YearToDate(
            self.gross + slip.gross,
            self.deductions + slip.deductions,
            self.employer_contributions + slip.employer_contributions,
            self.net + slip.net,
            MappingProxyType(components),
        )


@dataclass(frozen=True, slots=True)
class Payslip:
    employee_id: str
    period: PayPeriod
    currency: str
    base_salary: Decimal  # the month's contractual salary after any effective-dated split
    working_days: int
    payment_days: Decimal
    lines: tuple[PayslipLine, ...]
    gross: Decimal
    deductions: Decimal
    employer_contributions: Decimal
    net: Decimal
    year_to_date: YearToDate = field(default_factory=YearToDate)

    def amount_of(self, name: str) -> Decimal:
        return next(line.amount for line in self.lines if line.name == name)

    def negated(self) -> Payslip:
        """The slip of a reversal run: every amount and day with the opposite sign."""
        return Payslip(
            self.employee_id,
            self.period,
            self.currency,
            -self.base_salary,
            self.working_days,
            -self.payment_days,
            tuple(PayslipLine(ln.name, ln.kind, -ln.amount, ln.withholding) for ln in self.lines),
            -self.gross,
            -self.deductions,
            -self.employer_contributions,
            -self.net,
        )


class FailureReason(StrEnum):
    NEGATIVE_NET_PAY = "negative_net_pay"
    INVALID_EMPLOYEE_DATA = "invalid_employee_data"
    NOT_EMPLOYED_IN_PERIOD = "not_employed_in_period"


@dataclass(frozen=True, slots=True)
class PayslipFailure:
    """Why one employee has no slip in this run; the run lists it and goes on."""

    employee_id: str
    reason: FailureReason
    message: str


def compute_payslip(
    structure: SalaryStructure,
    employee: EmployeeSnapshot,
    period: PayPeriod,
    year_to_date_before: YearToDate | None = None,
) -> Payslip | PayslipFailure:
    """The employee's slip for ``period``, or why there is none. ``year_to_date_before``: the totals of
    the same calendar year's earlier slips (None in January or for a new hire)."""
    if not employee.is_active_in(period):
        return PayslipFailure(employee.employee_id, FailureReason.NOT_EMPLOYED_IN_PERIOD, f"not employed in {period}")
    try:
        days = working_days(period, employee.country, employee.subdivision)
    except InvalidEmployeeSnapshot as exc:
        return PayslipFailure(employee.employee_id, FailureReason.INVALID_EMPLOYEE_DATA, exc.message)
    paid_days = payment_days(days, employee.hire_date, employee.termination_date, employee.unpaid_leave)
    base_salary = sum(salary_parts(employee.salary_segments(period), days, structure.currency), ZERO)
    amounts = structure.evaluate(base_salary, paid_days, len(days))
    lines = tuple(
        PayslipLine(part.name, part.kind, amounts[part.name], part.withholding) for part in structure.components
    )
    gross = _sum(lines, ComponentKind.EARNING)
    deductions = _sum(lines, ComponentKind.EMPLOYEE_DEDUCTION)
    net = gross - deductions
    if net < 0:
        return PayslipFailure(
            employee.employee_id,
            FailureReason.NEGATIVE_NET_PAY,
            f"deductions of {deductions} exceed the gross of {gross} {structure.currency}: net pay would be {net}",
        )
    slip = Payslip(
        employee.employee_id,
        period,
        structure.currency,
        base_salary,
        len(days),
        paid_days,
        lines,
        gross,
        deductions,
        _sum(lines, ComponentKind.EMPLOYER_CONTRIBUTION),
        net,
    )
    return _with_year_to_date(slip, year_to_date_before or YearToDate())


def _sum(lines: tuple[PayslipLine, ...], kind: ComponentKind) -> Decimal:
    return sum((line.amount for line in lines if line.kind is kind), ZERO)


def _with_year_to_date(slip: Payslip, before: YearToDate) -> Payslip:
    return replace(slip, year_to_date=before.plus(slip))
