"""Payroll's own read model of one employee, folded from HR's events in whatever order they arrive.

EventBridge does not keep order, so nothing here assumes it: changes are kept by HR's ``change_number``
(a redelivery replaces itself), leave by its id, and the salary history is rebuilt from the hire record plus
every change in (effective date, change number) order, exactly as HR's ``Employee.record_as_of`` does. A
change that arrives before its ``EmployeeHired`` is kept and counts once the hire arrives; until then the
employee is not payable (``snapshot()`` is None) and no run picks them up.

The bank account is stored as HR sealed it (a KMS ciphertext): only the bank-file step opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tandem.payroll.domain.employee import EmployeeSnapshot, Employment, SalaryRecord
from tandem.payroll.domain.work_calendar import UnpaidLeaveDay


@dataclass(frozen=True, slots=True)
class SalaryChange:
    """What one of HR's changes means to payroll: a new full-time salary and/or working time from a date."""

    change_number: int
    effective_date: date
    base_salary: Decimal | None = None
    working_time: Decimal | None = None
    cost_centre: str | None = None


@dataclass
class EmployeeReadModel:
    employee_id: str
    hired: bool = False
    name: str = ""
    email: str = ""
    country: str = ""
    hire_date: date | None = None
    base_salary: Decimal = Decimal(0)
    working_time: Decimal = Decimal(1)
    cost_centre: str | None = None
    user_sub: str | None = None
    bank_account_sealed: str | None = None
    iban_masked: str | None = None
    bank_change_number: int = 0  # the change that gave the account in force (0: the hire's)
    termination_date: date | None = None
    changes: dict[int, SalaryChange] = field(default_factory=dict)
    unpaid_leave: dict[str, tuple[UnpaidLeaveDay, ...]] = field(default_factory=dict)
    version: int = 0

    def hire(self, *, name: str, email: str, country: str, hire_date: date, base_salary: Decimal,
             working_time: Decimal, cost_centre: str | None, user_sub: str | None,
             bank_account_sealed: str, iban_masked: str) -> bool:  # fmt: skip
        if self.hired:
            return False
        self.hired, self.name, self.email, self.country, self.hire_date = True, name, email, country, hire_date
        self.base_salary, self.working_time, self.cost_centre = base_salary, working_time, cost_centre
        self.user_sub = self.user_sub or user_sub  # a later change's link wins over the hire's
        if self.bank_change_number == 0:
            self.bank_account_sealed, self.iban_masked = bank_account_sealed, iban_masked
        return True

    def change(self, change: SalaryChange, *, bank_account_sealed: str | None = None,
               iban_masked: str | None = None, user_sub: str | None = None) -> bool:  # fmt: skip
        """One of HR's changes; a redelivery (same number) changes nothing."""
        if change.change_number in self.changes:
            return False
        self.changes[change.change_number] = change
        if bank_account_sealed and change.change_number > self.bank_change_number:
            self.bank_account_sealed, self.iban_masked = bank_account_sealed, iban_masked
            self.bank_change_number = change.change_number
        if user_sub:
            self.user_sub = user_sub
        return True

    def terminate(self, last_day: date) -> bool:
        if self.termination_date == last_day:
            return False
        self.termination_date = last_day
        return True

    def leave_approved(self, leave_id: str, days: tuple[UnpaidLeaveDay, ...]) -> bool:
        """Approved UNPAID leave (paid leave is paid and does not reach here)."""
        if leave_id in self.unpaid_leave:
            return False
        self.unpaid_leave[leave_id] = days
        return True

    def leave_cancelled(self, leave_id: str) -> bool:
        """Approved leave withdrawn: its days are paid again."""
        return self.unpaid_leave.pop(leave_id, None) is not None

    def salary_records(self) -> tuple[SalaryRecord, ...]:
        """The hire record, then one record per salary or working-time change in (date, number) order."""
        assert self.hire_date is not None
        records = [SalaryRecord(self.hire_date, self.base_salary, self.working_time)]
        base, working_time = self.base_salary, self.working_time
        for change in sorted(self.changes.values(), key=lambda c: (c.effective_date, c.change_number)):
            if change.base_salary is None and change.working_time is None:
                continue
            base = change.base_salary if change.base_salary is not None else base
            working_time = change.working_time if change.working_time is not None else working_time
            records.append(SalaryRecord(max(change.effective_date, self.hire_date), base, working_time))
        return tuple(records)

    def current_cost_centre(self, on: date) -> str | None:
        centre = self.cost_centre
        for change in sorted(self.changes.values(), key=lambda c: (c.effective_date, c.change_number)):
            if change.cost_centre is not None and change.effective_date <= on:
                centre = change.cost_centre
        return centre

    def employment(self) -> Employment | None:
        """When they are employed; None until ``EmployeeHired`` has arrived (as ``snapshot``)."""
        if not self.hired or self.hire_date is None:
            return None
        return Employment(self.employee_id, self.hire_date, self.termination_date)

    def snapshot(self) -> EmployeeSnapshot | None:
        """What a run computes with; None until ``EmployeeHired`` has arrived."""
        if not self.hired or self.hire_date is None:
            return None
        return EmployeeSnapshot(
            employee_id=self.employee_id,
            name=self.name,
            email=self.email,
            country=self.country,
            hire_date=self.hire_date,
            salary_records=self.salary_records(),
            iban=self.iban_masked or "",  # the masked form: the clear IBAN is only ever opened by the bank file
            termination_date=self.termination_date,
            unpaid_leave=tuple(day for days in self.unpaid_leave.values() for day in days),
            user_sub=self.user_sub,
            cost_centre=self.cost_centre,
        )
