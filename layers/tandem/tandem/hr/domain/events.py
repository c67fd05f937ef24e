"""What HR will publish (source ``tandem.hr``), as plain frozen dataclasses for now.

**Not yet ``DomainEvent`` classes**, on purpose: a ``DomainEvent`` subclass enters the schema registry when
it is imported, and payroll (built at the same time, in another branch) reads these; the lead reconciles
both sides' shapes at merge and then turns these into versioned ``DomainEvent``s with schemas and samples.

Payroll builds its snapshot of employees from these three employee events alone:

- ``EmployeeHired`` carries everything payroll computes and pays with, as of the hire date.
- ``EmployeeChanged`` carries one change: its ``change_number`` (1, 2, ... per employee), its effective
  date and only the fields it sets. The number lets a reader rebuild the history whatever order the bus
  delivers in (EventBridge does not keep order) and drop a redelivery; the record on day D is the hire
  record with every change effective on or before D applied in (effective date, change number) order,
  exactly as ``Employee.record_as_of`` does.
- ``EmployeeTerminated`` carries the last day of employment.

**No IBAN on the bus.** The bank account travels sealed (``bank_account_sealed``: at wiring, a KMS
ciphertext under a key only payroll's bank-file step may decrypt, with the employee id as encryption
context), plus ``iban_masked`` for payslips. Payroll stores the sealed value in its own table and opens it
only to write the bank file; the bus, its archive and every other consumer see ciphertext.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from tandem.hr.domain.records import EmployeeRecord, RecordChange


@dataclass(frozen=True)
class EmployeeHired:
    employee_id: UUID
    name: str
    email: str
    country: str
    hire_date: date
    record: EmployeeRecord
    bank_account_sealed: str
    iban_masked: str
    user_sub: str | None
    hired_at: datetime
    candidate_id: UUID | None = None


@dataclass(frozen=True)
class EmployeeChanged:
    employee_id: UUID
    change_number: int
    effective_date: date
    changes: RecordChange | None
    changed_at: datetime
    # Set only when the change gives a new bank account (from the next payment on; not dated history).
    bank_account_sealed: str | None = None
    iban_masked: str | None = None
    # Set only when the change links the employee's own login (``user_sub``) for GET /me.
    user_sub: str | None = None


@dataclass(frozen=True)
class EmployeeTerminated:
    employee_id: UUID
    termination_date: date  # the last day employed: inactive from the next day on
    reason: str
    terminated_at: datetime


@dataclass(frozen=True)
class LeaveDay:
    """One working day of a leave and how much of it is off: 1, or 0.5 for a half day."""

    day: date
    share: Decimal


@dataclass(frozen=True)
class _LeaveEvent:
    leave_id: UUID
    employee_id: UUID
    kind: str  # "paid" | "unpaid"
    start: date
    end: date
    days: Decimal
    # Each working day off with its share, and the same summed per month ("2026-12"): payroll subtracts
    # unpaid days inside its own window (hire to termination) without a calendar of its own.
    days_off: tuple[LeaveDay, ...]
    days_by_month: dict[str, Decimal] = field(hash=False)


@dataclass(frozen=True)
class LeaveRequested(_LeaveEvent):
    requested_at: datetime = field(kw_only=True)


@dataclass(frozen=True)
class LeaveApproved(_LeaveEvent):
    approved_by: str = field(kw_only=True)  # the approver's token sub
    approved_at: datetime = field(kw_only=True)


@dataclass(frozen=True)
class LeaveRejected(_LeaveEvent):
    rejected_by: str = field(kw_only=True)
    rejected_at: datetime = field(kw_only=True)
    reason: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class LeaveCancelled(_LeaveEvent):
    """A request withdrawn; ``was_approved`` tells payroll to give back the days it subtracted."""

    was_approved: bool = field(kw_only=True)
    cancelled_by: str = field(kw_only=True)
    cancelled_at: datetime = field(kw_only=True)


@dataclass(frozen=True)
class CandidateApplied:
    """No name or email on the bus: the acknowledgement is HR's own job, read from HR's own table."""

    candidate_id: UUID
    position: str
    applied_at: datetime
    has_cv: bool


@dataclass(frozen=True)
class CandidateHired:
    """HR-internal fact (the employee is announced by ``EmployeeHired`` with ``candidate_id``)."""

    candidate_id: UUID
    employee_id: UUID
    hired_at: datetime


@dataclass(frozen=True)
class CandidateRejected:
    candidate_id: UUID
    rejected_at: datetime


HrEvent = (
    EmployeeHired
    | EmployeeChanged
    | EmployeeTerminated
    | LeaveRequested
    | LeaveApproved
    | LeaveRejected
    | LeaveCancelled
    | CandidateApplied
    | CandidateHired
    | CandidateRejected
)
