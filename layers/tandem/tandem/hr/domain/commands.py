"""What HR's callers ask for, as the edge hands it over (values still to be checked by the model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tandem.hr.domain.leave import LeaveKind, LeavePeriod
from tandem.hr.domain.model import PersonalDetails
from tandem.hr.domain.records import EmployeeRecord, RecordChange
from tandem.hr.domain.recruitment import Application


@dataclass(frozen=True)
class HireEmployee:
    details: PersonalDetails
    hire_date: date
    record: EmployeeRecord
    iban: str
    bic: str | None = None


@dataclass(frozen=True)
class ChangeEmployee:
    employee_id: UUID
    effective_date: date
    change: RecordChange


@dataclass(frozen=True)
class TerminateEmployee:
    employee_id: UUID
    termination_date: date
    reason: str


@dataclass(frozen=True)
class RequestLeave:
    kind: LeaveKind
    period: LeavePeriod


@dataclass(frozen=True)
class DecideLeave:
    leave_id: UUID
    approve: bool
    note: str | None = None


@dataclass(frozen=True)
class SubmitApplication:
    """The public job-application form: the application (its CV only declared) and the honeypot field."""

    application: Application
    honeypot: str = ""


@dataclass(frozen=True)
class HireCandidate:
    """What HR adds to a candidate to hire them: the employee fields an application does not have."""

    candidate_id: UUID
    country: str
    hire_date: date
    record: EmployeeRecord
    iban: str
    bic: str | None = None
    user_sub: str | None = None
