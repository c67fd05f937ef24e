"""What HR publishes (source ``tandem.hr``): versioned ``DomainEvent``s, their schemas in events/schemas/.

The field names are the ones the first (pure-domain) session gave these events as dataclasses, which
payroll's readers were written against; only the base class changed. ``CandidateHired`` and
``CandidateRejected`` are HR-internal facts (the hire is announced by ``EmployeeHired`` with its
``candidate_id``): plain dataclasses, never on the bus.

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

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from tandem.hr.domain.records import EmployeeRecord, RecordChange
from tandem.shared.envelope import DomainEvent

LeaveKindName = Literal["paid", "unpaid"]


class _HrEvent(DomainEvent):
    context = "hr"


class EmployeeHired(_HrEvent):
    """An employee was hired (directly or from a candidate): everything payroll computes and pays with, as
    of the hire date. The bank account only sealed (KMS ciphertext payroll's bank-file step may open)."""

    event_type = "EmployeeHired"
    version = 1

    employee_id: UUID
    name: str
    email: str
    country: str = Field(description="ISO 3166 alpha-2: its public holidays shape the working days")
    hire_date: date
    record: EmployeeRecord = Field(description="The effective-dated record in force on the hire date")
    bank_account_sealed: str = Field(description="The IBAN and BIC, KMS-encrypted (context: purpose, employee_id)")
    iban_masked: str = Field(description="DE89 **** 3000: for payslips")
    user_sub: str | None = Field(description="The Cognito subject of the employee's own login, if linked")
    hired_at: AwareDatetime
    candidate_id: UUID | None = None


class EmployeeChanged(_HrEvent):
    """One effective-dated change (only the fields it sets), or a new bank account (``changes`` null),
    numbered per employee so a reader rebuilds the history whatever the delivery order."""

    event_type = "EmployeeChanged"
    version = 1

    employee_id: UUID
    change_number: int = Field(ge=1)
    effective_date: date
    changes: RecordChange | None
    changed_at: AwareDatetime
    # Set only when the change gives a new bank account (from the next payment on; not dated history).
    bank_account_sealed: str | None = None
    iban_masked: str | None = None
    # Set only when the change links the employee's own login (``user_sub``) for GET /me.
    user_sub: str | None = None


class EmployeeTerminated(_HrEvent):
    """The employee's last day: active through ``termination_date``, inactive from the next day on."""

    event_type = "EmployeeTerminated"
    version = 1

    employee_id: UUID
    termination_date: date  # the last day employed: inactive from the next day on
    reason: str
    terminated_at: AwareDatetime


@dataclass(frozen=True)
class LeaveDay:
    """One working day of a leave and how much of it is off: 1, or 0.5 for a half day."""

    day: date
    share: Decimal


class _LeaveEvent(_HrEvent):
    leave_id: UUID
    employee_id: UUID
    kind: LeaveKindName
    start: date
    end: date
    days: Decimal
    # Each working day off with its share, and the same summed per month ("2026-12"): payroll subtracts
    # unpaid days inside its own window (hire to termination) without a calendar of its own.
    days_off: tuple[LeaveDay, ...]
    days_by_month: dict[str, Decimal]


class LeaveRequested(_LeaveEvent):
    """An employee asked for paid or unpaid leave; the manager or HR decides."""

    event_type = "LeaveRequested"
    version = 1

    requested_at: AwareDatetime


class LeaveApproved(_LeaveEvent):
    """Leave approved: approved unpaid days reduce payroll's payment days in their month."""

    event_type = "LeaveApproved"
    version = 1

    approved_by: str  # the approver's token sub
    approved_at: AwareDatetime


class LeaveRejected(_LeaveEvent):
    """Leave refused by the manager or HR."""

    event_type = "LeaveRejected"
    version = 1

    rejected_by: str
    rejected_at: AwareDatetime
    reason: str | None = None


class LeaveCancelled(_LeaveEvent):
    """A request withdrawn; ``was_approved`` tells payroll to give back the days it subtracted."""

    event_type = "LeaveCancelled"
    version = 1

    was_approved: bool
    cancelled_by: str
    cancelled_at: AwareDatetime


class CandidateApplied(_HrEvent):
    """No name or email on the bus: the acknowledgement is HR's own job, read from HR's own table."""

    event_type = "CandidateApplied"
    version = 1

    candidate_id: UUID
    position: str
    applied_at: AwareDatetime
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


PublishedHrEvent = (
    EmployeeHired
    | EmployeeChanged
    | EmployeeTerminated
    | LeaveRequested
    | LeaveApproved
    | LeaveRejected
    | LeaveCancelled
    | CandidateApplied
)
HrEvent = PublishedHrEvent | CandidateHired | CandidateRejected
