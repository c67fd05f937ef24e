"""What callers ask payroll to do: learn one of HR's facts, keep a structure, start a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tandem.payroll.domain.read_model import EmployeeReadModel, SalaryChange
from tandem.payroll.domain.structure import SalaryStructure
from tandem.payroll.domain.work_calendar import UnpaidLeaveDay


@dataclass(frozen=True, slots=True)
class LearnHire:
    employee_id: str
    name: str
    email: str
    country: str
    hire_date: date
    base_salary: Decimal
    working_time: Decimal
    cost_centre: str | None
    user_sub: str | None
    bank_account_sealed: str
    iban_masked: str

    def applied_to(self, employee: EmployeeReadModel) -> bool:
        return employee.hire(
            name=self.name, email=self.email, country=self.country, hire_date=self.hire_date,
            base_salary=self.base_salary, working_time=self.working_time, cost_centre=self.cost_centre,
            user_sub=self.user_sub, bank_account_sealed=self.bank_account_sealed, iban_masked=self.iban_masked,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LearnChange:
    employee_id: str
    change: SalaryChange
    bank_account_sealed: str | None = None
    iban_masked: str | None = None
    user_sub: str | None = None

    def applied_to(self, employee: EmployeeReadModel) -> bool:
        return employee.change(
            self.change, bank_account_sealed=self.bank_account_sealed, iban_masked=self.iban_masked,
            user_sub=self.user_sub,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LearnTermination:
    employee_id: str
    last_day: date

    def applied_to(self, employee: EmployeeReadModel) -> bool:
        return employee.terminate(self.last_day)


@dataclass(frozen=True, slots=True)
class LearnUnpaidLeave:
    """Approved unpaid leave (``cancelled``: an approved one withdrawn, its days paid again)."""

    employee_id: str
    leave_id: str
    days: tuple[UnpaidLeaveDay, ...]
    cancelled: bool = False

    def applied_to(self, employee: EmployeeReadModel) -> bool:
        if self.cancelled:
            return employee.leave_cancelled(self.leave_id)
        return employee.leave_approved(self.leave_id, self.days)


HrFact = LearnHire | LearnChange | LearnTermination | LearnUnpaidLeave


@dataclass(frozen=True, slots=True)
class CreateStructure:
    structure: SalaryStructure
    make_default: bool = False
