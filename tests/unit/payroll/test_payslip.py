"""Payslips: the three employees of the issue's acceptance scenario, failures, year-to-date, and the
arithmetic properties every slip keeps."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st
from tandem.payroll.domain.demo import demo_structure
from tandem.payroll.domain.employee import SalaryRecord
from tandem.payroll.domain.payslip import FailureReason, Payslip, PayslipFailure, YearToDate, compute_payslip
from tandem.payroll.domain.structure import (
    BASE_SALARY,
    Component,
    ComponentKind,
    FixedAmount,
    PercentOf,
    SalaryStructure,
)
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay, working_days

from tests.unit.payroll.builders import employee

DEC_2026 = PayPeriod(2026, 12)
DEMO = demo_structure()
CENT = Decimal("0.01")


def slip_of(result: Payslip | PayslipFailure) -> Payslip:
    assert isinstance(result, Payslip), result
    return result


def test_an_employee_present_the_whole_month_is_paid_the_full_structure() -> None:
    slip = slip_of(compute_payslip(DEMO, employee(salary="4000.00"), DEC_2026))
    assert (slip.working_days, slip.payment_days) == (22, 22)
    assert (slip.gross, slip.deductions, slip.net) == (Decimal("4000.00"), Decimal("922.00"), Decimal("3078.00"))
    assert slip.employer_contributions == Decimal("420.00")
    assert [line.name for line in slip.lines] == [part.name for part in DEMO.components]


def test_an_employee_hired_on_the_16th_is_paid_eleven_of_twenty_two_days() -> None:
    slip = slip_of(compute_payslip(DEMO, employee(salary="4000.00", hired=date(2026, 12, 16)), DEC_2026))
    assert (slip.payment_days, slip.working_days) == (11, 22)
    assert slip.amount_of("basic_salary") == Decimal("2000.00")
    # the deductions follow the prorated gross: 9.3 % of 2,000 and 15 % of the 1,000 above the first bracket
    assert slip.amount_of("social_security_employee") == Decimal("186.00")
    assert slip.amount_of("income_tax") == Decimal("150.00")
    assert slip.net == Decimal("1664.00")


def test_two_approved_unpaid_days_are_not_paid() -> None:
    unpaid = (UnpaidLeaveDay(date(2026, 12, 9)), UnpaidLeaveDay(date(2026, 12, 10)))
    slip = slip_of(compute_payslip(DEMO, employee(salary="4000.00", unpaid=unpaid), DEC_2026))
    assert slip.payment_days == 20
    assert slip.amount_of("basic_salary") == Decimal("3636.36")  # 4,000 x 20 / 22 = 3,636.3636...
    assert slip.net + slip.deductions == slip.gross


def test_a_raise_inside_the_month_pays_each_rate_for_its_working_days() -> None:
    records = (SalaryRecord(date(2024, 1, 1), Decimal("3300.00")), SalaryRecord(date(2026, 12, 16), Decimal("4400.00")))
    slip = slip_of(compute_payslip(DEMO, employee(records=records), DEC_2026))
    assert slip.base_salary == Decimal("3850.00") == slip.gross


def test_deductions_above_the_gross_fail_that_employee_with_the_reason() -> None:
    structure = SalaryStructure.build(
        "loan",
        "EUR",
        (
            Component("basic", ComponentKind.EARNING, PercentOf(BASE_SALARY, Decimal(100)), prorated=True),
            Component("loan_repayment", ComponentKind.EMPLOYEE_DEDUCTION, FixedAmount(Decimal("500.00"))),
        ),
    )
    failure = compute_payslip(structure, employee(salary="4000.00", hired=date(2026, 12, 30)), DEC_2026)
    assert isinstance(failure, PayslipFailure)
    assert failure.reason is FailureReason.NEGATIVE_NET_PAY
    assert "net pay would be -136.36" in failure.message  # 4,000 x 2 / 22 = 363.64


def test_an_employee_not_employed_in_the_period_or_with_an_unknown_country_fails_clearly() -> None:
    gone = compute_payslip(DEMO, employee(terminated=date(2026, 11, 30)), DEC_2026)
    nowhere = compute_payslip(DEMO, employee(country="XX"), DEC_2026)
    assert isinstance(gone, PayslipFailure) and gone.reason is FailureReason.NOT_EMPLOYED_IN_PERIOD
    assert isinstance(nowhere, PayslipFailure) and nowhere.reason is FailureReason.INVALID_EMPLOYEE_DATA


def test_year_to_date_adds_this_slip_to_the_earlier_ones() -> None:
    november = slip_of(compute_payslip(DEMO, employee(), PayPeriod(2026, 11)))
    december = slip_of(compute_payslip(DEMO, employee(), DEC_2026, YearToDate().plus(november)))
    assert december.year_to_date.gross == november.gross + december.gross
    assert december.year_to_date.net == november.net + december.net
    assert december.year_to_date.components["income_tax"] == Decimal("1100.00")


salaries = st.integers(0, 2_000_000).map(lambda c: Decimal(c).scaleb(-2))
leave_days = st.lists(st.sampled_from(working_days(DEC_2026, "DE")), max_size=10, unique=True)
halves = st.booleans()


@given(salary=salaries, hired=st.integers(1, 31), unpaid=leave_days, half=halves)
def test_net_plus_deductions_is_gross_exactly_and_every_amount_is_in_cents(salary, hired, unpaid, half) -> None:
    leave = tuple(UnpaidLeaveDay(d, Decimal("0.5") if half else Decimal(1)) for d in unpaid)
    result = compute_payslip(DEMO, employee(salary=str(salary), hired=date(2026, 12, hired), unpaid=leave), DEC_2026)
    slip = slip_of(result)
    assert slip.net + slip.deductions == slip.gross
    assert slip.net >= 0
    assert all(line.amount == line.amount.quantize(CENT) for line in slip.lines)


@given(salary=salaries, hired=st.integers(1, 31), unpaid=leave_days)
def test_a_prorated_component_is_full_times_payment_days_over_working_days_rounded_once(salary, hired, unpaid) -> None:
    leave = tuple(UnpaidLeaveDay(d) for d in unpaid)
    slip = slip_of(
        compute_payslip(DEMO, employee(salary=str(salary), hired=date(2026, 12, hired), unpaid=leave), DEC_2026)
    )
    expected = (salary * slip.payment_days / slip.working_days).quantize(CENT, rounding=ROUND_HALF_UP)
    assert slip.amount_of("basic_salary") == expected
