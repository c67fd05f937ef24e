"""Payroll's own readers of HR's events (source ``tandem.hr``): only the fields payroll needs, the field names
of ``tandem.hr.domain.events`` (EmployeeHired, EmployeeChanged, EmployeeTerminated, LeaveApproved,
LeaveCancelled). Payroll never reads HR's table; these events are all it knows of an employee.

Paid leave is paid: only UNPAID leave reaches the read model. Text from HR is re-checked on one line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from tandem.payroll.domain.commands import HrFact, LearnChange, LearnHire, LearnTermination, LearnUnpaidLeave
from tandem.payroll.domain.read_model import SalaryChange
from tandem.payroll.domain.work_calendar import UnpaidLeaveDay
from tandem.shared.envelope import InboundEvent, TolerantReader

_ID = Field(min_length=1, max_length=64)
_TEXT = Field(min_length=1, max_length=200)
_SEALED = Field(min_length=1, max_length=8192)


class RecordData(TolerantReader):
    base_salary: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    working_time: Decimal = Field(default=Decimal(1), gt=0, le=1)
    cost_centre: str | None = Field(default=None, max_length=64)


class ChangesData(TolerantReader):
    base_salary: Decimal | None = Field(default=None, gt=0, max_digits=14, decimal_places=2)
    working_time: Decimal | None = Field(default=None, gt=0, le=1)
    cost_centre: str | None = Field(default=None, max_length=64)


class EmployeeHiredData(TolerantReader):
    kind: Literal["EmployeeHired"]
    employee_id: str = _ID
    name: str = _TEXT
    email: str = Field(min_length=3, max_length=254)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    hire_date: date
    record: RecordData
    bank_account_sealed: str = _SEALED
    iban_masked: str = Field(min_length=4, max_length=64)
    user_sub: str | None = Field(default=None, max_length=128)

    def to_command(self) -> LearnHire:
        return LearnHire(
            employee_id=self.employee_id, name=self.name, email=self.email, country=self.country,
            hire_date=self.hire_date, base_salary=self.record.base_salary, working_time=self.record.working_time,
            cost_centre=self.record.cost_centre, user_sub=self.user_sub,
            bank_account_sealed=self.bank_account_sealed, iban_masked=self.iban_masked,
        )  # fmt: skip


class EmployeeChangedData(TolerantReader):
    kind: Literal["EmployeeChanged"]
    employee_id: str = _ID
    change_number: int = Field(ge=1)
    effective_date: date
    changes: ChangesData | None = None
    bank_account_sealed: str | None = Field(default=None, max_length=8192)
    iban_masked: str | None = Field(default=None, max_length=64)
    user_sub: str | None = Field(default=None, max_length=128)

    def to_command(self) -> LearnChange:
        changes = self.changes or ChangesData()
        change = SalaryChange(
            self.change_number, self.effective_date, changes.base_salary, changes.working_time, changes.cost_centre
        )
        return LearnChange(self.employee_id, change, self.bank_account_sealed, self.iban_masked, self.user_sub)


class EmployeeTerminatedData(TolerantReader):
    kind: Literal["EmployeeTerminated"]
    employee_id: str = _ID
    termination_date: date

    def to_command(self) -> LearnTermination:
        return LearnTermination(self.employee_id, self.termination_date)


class LeaveDayData(TolerantReader):
    day: date
    share: Decimal = Field(ge=Decimal("0.5"), le=1)


class _LeaveData(TolerantReader):
    leave_id: str = _ID
    employee_id: str = _ID
    days_off: list[LeaveDayData] = Field(default_factory=list, max_length=400)

    def _days(self) -> tuple[UnpaidLeaveDay, ...]:
        return tuple(UnpaidLeaveDay(d.day, d.share) for d in self.days_off)


class LeaveApprovedData(_LeaveData):
    kind: Literal["LeaveApproved"]

    def to_command(self) -> LearnUnpaidLeave:
        return LearnUnpaidLeave(self.employee_id, self.leave_id, self._days())


class LeaveCancelledData(_LeaveData):
    kind: Literal["LeaveCancelled"]
    was_approved: bool = False

    def to_command(self) -> LearnUnpaidLeave:
        return LearnUnpaidLeave(self.employee_id, self.leave_id, (), cancelled=True)


HrData = Annotated[
    EmployeeHiredData | EmployeeChangedData | EmployeeTerminatedData | LeaveApprovedData | LeaveCancelledData,
    Field(discriminator="kind"),
]


class HrEvent(InboundEvent):
    """One of HR's events as payroll reads it. HR's leave events name paid or unpaid in ``data.kind``, which
    the envelope's event type overwrites for the discriminator: ``leave_kind`` keeps HR's value."""

    data: HrData
    leave_kind: str | None = None

    def is_unpaid_leave(self) -> bool:
        return self.leave_kind == "unpaid"

    def to_command(self) -> HrFact | None:
        """The fact payroll learns; None for paid leave (nothing changes in pay)."""
        if isinstance(self.data, LeaveApprovedData | LeaveCancelledData) and not self.is_unpaid_leave():
            return None
        return self.data.to_command()

    @classmethod
    def parse_detail(cls, detail: dict[str, object]) -> HrEvent:
        data = detail.get("data")
        leave_kind = data.get("kind") if isinstance(data, dict) else None
        return cls.model_validate({**detail, "leave_kind": leave_kind if isinstance(leave_kind, str) else None})
