"""Asking for leave (``request_leave``), who may decide or cancel it, and paid-leave balances per year.

Approve or reject: the employee's manager (as recorded on the day of the decision) or anyone in ``hr`` —
but never the employee themself, even when they are in ``hr``. Cancel: the employee themself or ``hr``.
The balance of a year is the allowance (``annual_leave_days`` of the record in force on 1 January, or on
the hire date for the year of hire) minus the approved paid days in that year; requested paid days are
shown as pending and count against what a new request may take, so two requests cannot spend one day twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from tandem.hr.domain.errors import InsufficientLeaveBalance, NotAllowedToCancelLeave, NotAllowedToDecideLeave
from tandem.hr.domain.leave import LeaveKind, LeavePeriod, LeaveRequest, LeaveStatus, in_year
from tandem.hr.domain.model import Employee
from tandem.hr.domain.visibility import Caller, is_manager, is_self

HR_GROUP = "hr"


def check_may_decide(caller: Caller, employee: Employee, on: date) -> None:
    """Raise ``NotAllowedToDecideLeave`` unless ``caller`` may approve or reject ``employee``'s leave."""
    if is_self(caller, employee) or caller.employee_id == employee.id:
        raise NotAllowedToDecideLeave("You cannot approve or reject your own leave")
    if HR_GROUP not in caller.groups and not is_manager(caller, employee, on):
        raise NotAllowedToDecideLeave()


def check_may_cancel(caller: Caller, employee: Employee) -> None:
    if HR_GROUP not in caller.groups and not is_self(caller, employee):
        raise NotAllowedToCancelLeave()


@dataclass(frozen=True)
class LeaveBalance:
    year: int
    allowance: Decimal
    taken: Decimal  # approved paid days in the year
    pending: Decimal  # requested paid days in the year, not decided yet

    @property
    def remaining(self) -> Decimal:
        return self.allowance - self.taken

    @property
    def available(self) -> Decimal:
        """What a new paid request may still take: remaining minus what is already asked for."""
        return self.remaining - self.pending


def allowance(employee: Employee, year: int) -> Decimal:
    record = employee.record_as_of(max(date(year, 1, 1), employee.hire_date))
    return record.annual_leave_days if record is not None else Decimal(0)


def leave_balance(employee: Employee, year: int, requests: Iterable[LeaveRequest]) -> LeaveBalance:
    paid = [r for r in requests if r.kind is LeaveKind.PAID and r.employee_id == employee.id]
    return LeaveBalance(
        year,
        allowance(employee, year),
        sum((in_year(r.days_off, year) for r in paid if r.status is LeaveStatus.APPROVED), Decimal(0)),
        sum((in_year(r.days_off, year) for r in paid if r.status is LeaveStatus.REQUESTED), Decimal(0)),
    )


def check_paid_leave_fits(new: LeaveRequest, employee: Employee, existing: Iterable[LeaveRequest]) -> None:
    """Raise ``InsufficientLeaveBalance`` if ``new`` (paid) takes more days in any year than are available."""
    if new.kind is not LeaveKind.PAID:
        return
    others = [r for r in existing if r.id != new.id]
    for year in sorted({d.day.year for d in new.days_off}):
        wanted, balance = in_year(new.days_off, year), leave_balance(employee, year, others)
        if wanted > balance.available:
            raise InsufficientLeaveBalance(
                f"{wanted} paid days asked for in {year}, {balance.available} available",
                details={"year": year, "requested": str(wanted), "available": str(balance.available)},
            )


def request_leave(  # noqa: PLR0913 - the form's fields plus what the rules check against
    leave_id: UUID,
    employee: Employee,
    kind: LeaveKind,
    period: LeavePeriod,
    existing: Iterable[LeaveRequest],
    *,
    at: datetime,
) -> LeaveRequest:
    """The one way to ask for leave: ``LeaveRequest.request``'s checks, then whether paid leave fits."""
    others = list(existing)
    leave = LeaveRequest.request(leave_id, employee, kind, period, others, at=at)
    check_paid_leave_fits(leave, employee, others)
    return leave
