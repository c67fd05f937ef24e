"""What payroll knows about an employee: its own read model, filled from HR's events.

Payroll never reads HR's table. HR's engineer defines what HR publishes (EmployeeHired, EmployeeChanged,
EmployeeTerminated, LeaveApproved); payroll's reader turns those into this snapshot, which keeps the bank
details (never on the bus: the bank-file step reads them from payroll's own store) and the effective-dated
salary records.

A salary inside a period is split pro rata by WORKING days, as ERPNext does: a record effective from the
16th covers the working days from the 16th on. Each part is rounded half up once; the earliest record also
covers the days before it (a hire on the 16th is paid by payment days, not by a second split).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tandem.payroll.domain.errors import InvalidEmployeeSnapshot
from tandem.payroll.domain.work_calendar import PayPeriod, UnpaidLeaveDay
from tandem.shared.money import round_to_minor


@dataclass(frozen=True, slots=True)
class SalaryRecord:
    """From ``effective_from`` on: the full-time monthly base salary and the working time as a fraction
    (0.5 = half time), which scales it."""

    effective_from: date
    monthly_base_salary: Decimal
    working_time: Decimal = Decimal(1)

    def __post_init__(self) -> None:
        if self.monthly_base_salary < 0:
            raise InvalidEmployeeSnapshot(details={"field": "base_salary", "problem": "must not be negative"})
        if not Decimal(0) < self.working_time <= Decimal(1):
            raise InvalidEmployeeSnapshot(details={"field": "working_time", "problem": "a fraction in (0, 1]"})

    @property
    def contractual_salary(self) -> Decimal:
        return self.monthly_base_salary * self.working_time


@dataclass(frozen=True, slots=True)
class Employment:
    """When someone is employed: all the run's snapshot step needs to pick a period's employees (reading
    every employee's whole record only for these two dates was a large share of a big run's snapshot)."""

    employee_id: str
    hire_date: date
    termination_date: date | None = None

    def is_active_in(self, period: PayPeriod) -> bool:
        """Employed on at least one day of the period."""
        return self.hire_date <= period.last_day and (
            self.termination_date is None or self.termination_date >= period.first_day
        )


@dataclass(frozen=True, slots=True)
class EmployeeSnapshot:
    """An employee as payroll needs them for one run. ``salary_records`` in any order; ``unpaid_leave``
    holds approved unpaid leave (other periods' days are ignored)."""

    employee_id: str
    name: str
    email: str
    country: str
    hire_date: date
    salary_records: tuple[SalaryRecord, ...]
    iban: str
    bic: str | None = None
    subdivision: str | None = None
    termination_date: date | None = None
    unpaid_leave: tuple[UnpaidLeaveDay, ...] = ()
    user_sub: str | None = None
    cost_centre: str | None = None
    records_in_order: tuple[SalaryRecord, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.termination_date is not None and self.termination_date < self.hire_date:
            raise InvalidEmployeeSnapshot(
                "The termination date lies before the hire date",
                details={"field": "termination_date", "problem": "before the hire date"},
            )
        if not self.salary_records:
            raise InvalidEmployeeSnapshot(details={"field": "salary_records", "problem": "at least one"})
        ordered = tuple(sorted(self.salary_records, key=lambda r: r.effective_from))
        object.__setattr__(self, "records_in_order", ordered)

    def is_active_in(self, period: PayPeriod) -> bool:
        """Employed on at least one day of the period."""
        return Employment(self.employee_id, self.hire_date, self.termination_date).is_active_in(period)

    def salary_segments(self, period: PayPeriod) -> list[tuple[date, SalaryRecord]]:
        """(first day, record) for each record in force during the period, in order; the first starts on the
        period's first day."""
        segments: list[tuple[date, SalaryRecord]] = []
        for record in self.records_in_order:
            start = max(record.effective_from, period.first_day)
            if start > period.last_day:
                break
            if segments and segments[-1][0] == start:
                segments.pop()  # a later record from the same day (or before the period) replaces it
            segments.append((period.first_day if not segments else start, record))
        return segments


def salary_parts(
    segments: list[tuple[date, SalaryRecord]], working_days: tuple[date, ...], currency: str
) -> list[Decimal]:
    """Each segment's share of the month: contractual salary x its working days / the period's working
    days, rounded once per part. One segment is the whole contractual salary (rounded)."""
    if len(segments) == 1 or not working_days:
        return [round_to_minor(segments[0][1].contractual_salary, currency)]
    total = Decimal(len(working_days))
    parts = []
    for index, (start, record) in enumerate(segments):
        end = segments[index + 1][0] if index + 1 < len(segments) else None
        days = sum(1 for d in working_days if start <= d and (end is None or d < end))
        parts.append(round_to_minor(record.contractual_salary * days / total, currency))
    return parts
