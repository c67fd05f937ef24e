"""Leave requests: paid or unpaid, half days at either end, counted in working days; approval and balances.

A half day at the start means the first day only the afternoon is off; at the end, the last day only the
morning. Each request is a range of half-day slots, so the morning of a day and its afternoon can be two
requests without overlapping, and a one-day request takes one half (``half_day_start`` or ``_end``) or all.
Days are the employee's working days (weekdays minus their country's public holidays): a leave over a
holiday does not spend a day on it.

Statuses: requested ──► approved | rejected | cancelled; approved ──► cancelled (withdrawn: payroll gives
the unpaid days back). Requested and approved leave blocks the same days for another request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tandem.hr.domain.company_calendar import working_days
from tandem.hr.domain.errors import InvalidLeaveRequest, InvalidLeaveTransition, LeaveOverlaps
from tandem.hr.domain.events import HrEvent, LeaveApproved, LeaveCancelled, LeaveDay, LeaveRejected, LeaveRequested
from tandem.hr.domain.model import Employee

HALF = Decimal("0.5")
MAX_SPAN_DAYS = 366


class LeaveKind(StrEnum):
    PAID = "paid"
    UNPAID = "unpaid"


class LeaveStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


BLOCKING = frozenset({LeaveStatus.REQUESTED, LeaveStatus.APPROVED})


@dataclass(frozen=True)
class LeavePeriod:
    start: date
    end: date
    half_day_start: bool = False  # the first day, only the afternoon off
    half_day_end: bool = False  # the last day, only the morning off

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidLeaveRequest("end", "is before start")
        if (self.end - self.start).days >= MAX_SPAN_DAYS:
            raise InvalidLeaveRequest("end", f"a request spans at most {MAX_SPAN_DAYS} days")
        if self.start == self.end and self.half_day_start and self.half_day_end:
            raise InvalidLeaveRequest("half_day_end", "a one-day request is a morning, an afternoon or the whole day")

    def slots(self) -> tuple[int, int]:
        """[first, after-last) in half days since year 1: slot 2n is day n's morning, 2n + 1 its afternoon."""
        first = 2 * self.start.toordinal() + (1 if self.half_day_start else 0)
        after_last = 2 * self.end.toordinal() + (1 if self.half_day_end else 2)
        return first, after_last

    def overlaps(self, other: LeavePeriod) -> bool:
        (a, b), (c, d) = self.slots(), other.slots()
        return a < d and c < b

    def days_off(self, country: str) -> tuple[LeaveDay, ...]:
        """Each working day in the period with the share of it off (1, or 0.5 on a half day)."""
        return tuple(LeaveDay(day=day, share=self._share(day)) for day in working_days(self.start, self.end, country))

    def _share(self, day: date) -> Decimal:
        half = (day == self.start and self.half_day_start) or (day == self.end and self.half_day_end)
        return HALF if half else Decimal(1)


def total(days_off: Iterable[LeaveDay]) -> Decimal:
    return sum((d.share for d in days_off), Decimal(0))


def by_month(days_off: Iterable[LeaveDay]) -> dict[str, Decimal]:
    """Days off per month, ``{"2026-12": Decimal("2.5")}``: what payroll subtracts per period."""
    months: dict[str, Decimal] = defaultdict(Decimal)
    for day in days_off:
        months[f"{day.day:%Y-%m}"] += day.share
    return dict(months)


def in_year(days_off: Iterable[LeaveDay], year: int) -> Decimal:
    return total(d for d in days_off if d.day.year == year)


@dataclass
class LeaveRequest:
    id: UUID
    employee_id: UUID
    kind: LeaveKind
    period: LeavePeriod
    days_off: tuple[LeaveDay, ...]
    requested_at: datetime
    status: LeaveStatus = LeaveStatus.REQUESTED
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    version: int = 0
    events: list[HrEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def days(self) -> Decimal:
        return total(self.days_off)

    @classmethod
    def request(  # noqa: PLR0913 - the form's fields plus what the rules check against
        cls,
        leave_id: UUID,
        employee: Employee,
        kind: LeaveKind,
        period: LeavePeriod,
        existing: Iterable[LeaveRequest],
        *,
        at: datetime,
    ) -> LeaveRequest:
        """A new request, refused if outside employment, on no working day, or overlapping a live one.

        ``existing`` is the employee's other requests (any status; only requested and approved block).
        Whether paid leave fits the balance is ``leave_rules.check_paid_leave_fits``'s to say; the service
        calls ``leave_rules.request_leave``, which does both.
        """
        for name, day in (("start", period.start), ("end", period.end)):
            if not employee.is_active(day):
                raise InvalidLeaveRequest(name, f"{day.isoformat()} is outside the employment")
        days_off = period.days_off(employee.details.country)
        if not days_off:
            raise InvalidLeaveRequest("start", "the period holds no working day (weekends and public holidays)")
        clashes = [r for r in existing if r.status in BLOCKING and r.period.overlaps(period)]
        if clashes:
            raise LeaveOverlaps(
                details={
                    "overlapping": [
                        {
                            "id": str(r.id),
                            "start": r.period.start.isoformat(),
                            "end": r.period.end.isoformat(),
                            "status": r.status.value,
                        }
                        for r in clashes
                    ]
                }
            )
        leave = cls(leave_id, employee.id, kind, period, days_off, at)
        leave.events.append(LeaveRequested(**leave._facts(), requested_at=at))
        return leave

    def _facts(self) -> dict[str, Any]:
        """What every leave event carries, by field name."""
        p = self.period
        return {
            "leave_id": self.id,
            "employee_id": self.employee_id,
            "kind": self.kind.value,
            "start": p.start,
            "end": p.end,
            "days": self.days,
            "days_off": self.days_off,
            "days_by_month": by_month(self.days_off),
        }

    def approve(self, approver_sub: str, *, at: datetime) -> bool:
        """Who may approve is ``leave_rules.check_may_decide``'s rule; here, only whether the status allows it."""
        if self.status is LeaveStatus.APPROVED:
            return False
        self._move(LeaveStatus.APPROVED, approver_sub, at)
        self.events.append(LeaveApproved(**self._facts(), approved_by=approver_sub, approved_at=at))
        return True

    def reject(self, approver_sub: str, *, at: datetime, note: str | None = None) -> bool:
        if self.status is LeaveStatus.REJECTED:
            return False
        self._move(LeaveStatus.REJECTED, approver_sub, at)
        self.note = note
        self.events.append(LeaveRejected(**self._facts(), rejected_by=approver_sub, rejected_at=at, reason=note))
        return True

    def cancel(self, by_sub: str, *, at: datetime) -> bool:
        if self.status is LeaveStatus.CANCELLED:
            return False
        was_approved = self.status is LeaveStatus.APPROVED
        if self.status not in BLOCKING:
            self._refuse(LeaveStatus.CANCELLED)
        self.status, self.decided_by, self.decided_at = LeaveStatus.CANCELLED, by_sub, at
        self.events.append(
            LeaveCancelled(**self._facts(), was_approved=was_approved, cancelled_by=by_sub, cancelled_at=at)
        )
        return True

    def _move(self, to: LeaveStatus, by_sub: str, at: datetime) -> None:
        if self.status is not LeaveStatus.REQUESTED:
            self._refuse(to)
        self.status, self.decided_by, self.decided_at = to, by_sub, at

    def _refuse(self, to: LeaveStatus) -> None:
        raise InvalidLeaveTransition(
            f"A {self.status.value} leave request cannot become {to.value}",
            details={"id": str(self.id), "from": self.status.value, "to": to.value},
        )
