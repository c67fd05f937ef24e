"""Working days and payment days of a period, and the effective-dated split of a salary inside it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.payroll.domain.employee import SalaryRecord, salary_parts
from tandem.payroll.domain.errors import InvalidEmployeeSnapshot, InvalidPayrollPeriod
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay, payment_days, working_days

from tests.unit.payroll.builders import employee

DEC_2026 = PayPeriod(2026, 12)
HALF = Decimal("0.5")


def test_december_2026_in_germany_has_22_working_days() -> None:
    # 23 weekdays; Christmas Day is a Friday, Boxing Day a Saturday; Christmas Eve is a working day
    days = working_days(DEC_2026, "DE")
    assert len(days) == 22
    assert date(2026, 12, 25) not in days and date(2026, 12, 24) in days


def test_a_regional_holiday_counts_only_where_it_is_kept() -> None:
    january = PayPeriod(2026, 1)
    assert len(working_days(january, "DE")) == 21  # New Year's Day
    assert len(working_days(january, "DE", "BY")) == 20  # and Epiphany in Bavaria


def test_an_unknown_country_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidEmployeeSnapshot):
        working_days(DEC_2026, "XX")


def test_payment_days_run_from_hire_to_termination_inclusive() -> None:
    days = working_days(DEC_2026, "DE")
    assert payment_days(days, date(2026, 12, 16), None, ()) == 11
    assert payment_days(days, date(2020, 1, 1), date(2026, 12, 4), ()) == 4
    assert payment_days(days, date(2026, 12, 16), date(2026, 12, 16), ()) == 1


def test_unpaid_leave_reduces_payment_days_by_whole_and_half_days_but_not_on_weekends_or_holidays() -> None:
    days = working_days(DEC_2026, "DE")
    leave = (
        UnpaidLeaveDay(date(2026, 12, 7)),
        UnpaidLeaveDay(date(2026, 12, 8), HALF),
        UnpaidLeaveDay(date(2026, 12, 12)),  # a Saturday
        UnpaidLeaveDay(date(2026, 12, 25)),  # Christmas Day
        UnpaidLeaveDay(date(2027, 1, 4)),  # another period
    )
    assert payment_days(days, date(2020, 1, 1), None, leave) == Decimal("20.5")


def test_leave_before_the_hire_date_costs_nothing_twice() -> None:
    days = working_days(DEC_2026, "DE")
    assert payment_days(days, date(2026, 12, 16), None, (UnpaidLeaveDay(date(2026, 12, 1)),)) == 11


def test_a_leave_day_is_a_day_or_a_half_day() -> None:
    with pytest.raises(InvalidEmployeeSnapshot):
        UnpaidLeaveDay(date(2026, 12, 7), Decimal("0.25"))


@pytest.mark.parametrize(
    ("text", "today"), [("2026-12", date(2026, 12, 7)), ("2027-01", date(2026, 12, 7)), ("2020-01", date(2026, 12, 7))]
)
def test_a_period_up_to_next_month_is_accepted(text: str, today: date) -> None:
    assert str(PayPeriod.parse(text, today)) == text


@pytest.mark.parametrize("text", ["2027-02", "2026-13", "2026-1", "26-12", "1999-12", "2026-12-01"])
def test_a_period_beyond_next_month_or_malformed_is_refused(text: str) -> None:
    with pytest.raises(InvalidPayrollPeriod) as refused:
        PayPeriod.parse(text, date(2026, 12, 7))
    assert refused.value.details["field"] == "period"


def test_periods_order_and_roll_over_the_year() -> None:
    assert DEC_2026.next() == PayPeriod(2027, 1) and DEC_2026 < PayPeriod(2027, 1)
    assert (DEC_2026.first_day, DEC_2026.last_day) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_raise_on_the_16th_splits_the_month_by_working_days() -> None:
    staff = employee(
        records=(
            SalaryRecord(date(2024, 1, 1), Decimal("3300.00")),
            SalaryRecord(date(2026, 12, 16), Decimal("4400.00")),
        )
    )
    days = working_days(DEC_2026, "DE")
    segments = staff.salary_segments(DEC_2026)
    assert [start for start, _ in segments] == [date(2026, 12, 1), date(2026, 12, 16)]
    # 11 of 22 working days at each rate
    assert salary_parts(segments, days, "EUR") == [Decimal("1650.00"), Decimal("2200.00")]


def test_records_before_and_after_the_period_do_not_split_it() -> None:
    staff = employee(
        records=(
            SalaryRecord(date(2025, 1, 1), Decimal("3000.00")),
            SalaryRecord(date(2026, 3, 1), Decimal("3500.00"), Decimal("0.8")),
            SalaryRecord(date(2027, 1, 1), Decimal("9000.00")),
        )
    )
    segments = staff.salary_segments(DEC_2026)
    assert len(segments) == 1
    assert salary_parts(segments, working_days(DEC_2026, "DE"), "EUR") == [Decimal("2800.00")]  # 3,500 x 0.8


def test_termination_before_hire_is_refused() -> None:
    with pytest.raises(InvalidEmployeeSnapshot) as refused:
        employee(hired=date(2026, 12, 16), terminated=date(2026, 12, 1))
    assert refused.value.details["field"] == "termination_date"


def test_a_working_time_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(InvalidEmployeeSnapshot):
        SalaryRecord(date(2026, 1, 1), Decimal(3000), Decimal("1.5"))


months = st.builds(PayPeriod, st.integers(2024, 2030), st.integers(1, 12))
cents = st.integers(0, 100_000_000).map(lambda c: Decimal(c).scaleb(-2))


@given(period=months, salary=cents, split_days=st.lists(st.integers(2, 28), min_size=1, max_size=3, unique=True))
def test_the_parts_of_a_split_month_add_up_to_the_unsplit_amount_within_a_cent_per_part(period, salary, split_days):
    records = [SalaryRecord(date(2000, 1, 1), salary)]
    records += [SalaryRecord(date(period.year, period.month, d), salary) for d in sorted(split_days)]
    staff = employee(records=tuple(records), hired=date(2000, 1, 1))
    days = working_days(period, "DE")
    parts = salary_parts(staff.salary_segments(period), days, "EUR")
    assert len(parts) == len(split_days) + 1
    assert abs(sum(parts) - salary) <= Decimal("0.01") * len(parts)
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)
