"""The Employee aggregate: who they are, their dated record with its full history, and when they left.

``record_as_of(D)`` is the hire record with every change effective on or before D applied in (effective
date, change number) order: a back-dated change slots into the history where it belongs, and of two changes
on the same day the later recorded wins. Changes may be back-dated but not before the hire date, nor dated
after the termination date. The employee is active from the hire date through the termination date.

Like ``sales.Order`` and ``support.Ticket`` the aggregate records its events in ``events``; the unit of
work (when it exists) writes them to the outbox with the state. The bank account is sealed by a ``Sealer``
the caller passes in (a KMS adapter at wiring), so the events never hold a readable IBAN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.company_calendar import supported_countries
from tandem.hr.domain.errors import ChangeBeforeHire, EmployeeTerminated, InvalidEmployeeField
from tandem.hr.domain.events import EmployeeChanged, EmployeeHired, HrEvent
from tandem.hr.domain.events import EmployeeTerminated as EmployeeTerminatedEvent
from tandem.hr.domain.records import EmployeeRecord, RecordChange, required_text

# (account, employee id) -> an opaque string only payroll's bank-file step can open again.
Sealer = Callable[[BankAccount, UUID], str]


def valid_email(value: str) -> str:
    text = required_text("email", value)
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        raise InvalidEmployeeField("email", "is not an email address")
    return text


def valid_country(value: str) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 2 or code not in supported_countries():
        raise InvalidEmployeeField("country", "must be an ISO 3166 two-letter code with a holiday calendar, e.g. DE")
    return code


@dataclass(frozen=True)
class PersonalDetails:
    name: str
    email: str
    country: str  # where they work: its public holidays shape their working days
    user_sub: str | None = None  # the Cognito subject of their own login, for GET /me

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", required_text("name", self.name))
        object.__setattr__(self, "email", valid_email(self.email))
        object.__setattr__(self, "country", valid_country(self.country))
        if self.user_sub is not None:
            object.__setattr__(self, "user_sub", required_text("user_sub", self.user_sub))


@dataclass(frozen=True)
class RecordedChange:
    number: int
    effective_date: date
    change: RecordChange
    recorded_at: datetime


@dataclass(frozen=True)
class Termination:
    last_day: date
    reason: str
    recorded_at: datetime


@dataclass
class Employee:
    id: UUID
    details: PersonalDetails
    hire_date: date
    hire_record: EmployeeRecord
    bank_account: BankAccount
    changes: list[RecordedChange] = field(default_factory=list)
    termination: Termination | None = None
    # Numbers every EmployeeChanged (dated changes and bank accounts alike), so readers can order and dedupe.
    change_count: int = 0
    version: int = 0
    events: list[HrEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def hire(  # noqa: PLR0913 - an aggregate's constructor, not a use case: each argument is one fact
        cls,
        employee_id: UUID,
        details: PersonalDetails,
        hire_date: date,
        record: EmployeeRecord,
        bank_account: BankAccount,
        *,
        at: datetime,
        seal: Sealer,
        candidate_id: UUID | None = None,
    ) -> Employee:
        if record.manager_id == employee_id:
            raise InvalidEmployeeField("manager_id", "cannot be the employee themself")
        employee = cls(employee_id, details, hire_date, record, bank_account)
        employee.events.append(
            EmployeeHired(
                employee_id=employee_id,
                name=details.name,
                email=details.email,
                country=details.country,
                hire_date=hire_date,
                record=record,
                bank_account_sealed=seal(bank_account, employee_id),
                iban_masked=bank_account.masked,
                user_sub=details.user_sub,
                hired_at=at,
                candidate_id=candidate_id,
            )
        )
        return employee

    def is_active(self, day: date) -> bool:
        return self.hire_date <= day and (self.termination is None or day <= self.termination.last_day)

    def record_as_of(self, day: date) -> EmployeeRecord | None:
        """The record in force on ``day``; None before the hire date. After termination: the last one."""
        if day < self.hire_date:
            return None
        record = self.hire_record
        for recorded in sorted(self.changes, key=lambda c: (c.effective_date, c.number)):
            if recorded.effective_date > day:
                break
            record = recorded.change.applied_to(record)
        return record

    def segments(self, start: date, end: date) -> list[tuple[date, date, EmployeeRecord]]:
        """The stretches of [start, end] (inside employment) over which one record holds, in date order.

        What a pro-rata split by days needs: a salary change on the 16th gives two segments.
        """
        first = max(start, self.hire_date)
        last = min(end, self.termination.last_day) if self.termination else end
        if last < first:
            return []
        cuts = sorted({c.effective_date for c in self.changes if first < c.effective_date <= last})
        bounds = [first, *cuts]
        ends = [cut - timedelta(days=1) for cut in cuts] + [last]
        return [(a, b, self._record_on(a)) for a, b in zip(bounds, ends, strict=True)]

    def _record_on(self, day: date) -> EmployeeRecord:
        record = self.record_as_of(day)
        assert record is not None  # segments start on or after the hire date
        return record

    def change(self, effective_date: date, change: RecordChange, *, at: datetime) -> RecordedChange:
        """Record a change effective on ``effective_date`` (back-dating allowed, not before hire)."""
        if effective_date < self.hire_date:
            raise ChangeBeforeHire("effective_date", f"is before the hire date {self.hire_date.isoformat()}")
        if self.termination is not None and effective_date > self.termination.last_day:
            raise EmployeeTerminated(
                f"The employee left on {self.termination.last_day.isoformat()}: "
                "a change can only take effect on or before that day",
                details={"field": "effective_date", "termination_date": self.termination.last_day.isoformat()},
            )
        if change.manager_id == self.id:
            raise InvalidEmployeeField("manager_id", "cannot be the employee themself")
        change.applied_to(self._record_on(effective_date))  # the new values must make a valid record
        self.change_count += 1
        recorded = RecordedChange(self.change_count, effective_date, change, at)
        self.changes.append(recorded)
        self.events.append(
            EmployeeChanged(
                employee_id=self.id,
                change_number=recorded.number,
                effective_date=effective_date,
                changes=change,
                changed_at=at,
            )
        )
        return recorded

    def change_bank_account(self, account: BankAccount, *, at: datetime, seal: Sealer) -> bool:
        """A new account for the next payment on; False when it is the account already held."""
        if account == self.bank_account:
            return False
        self._refuse_if_terminated()
        self.bank_account = account
        self.change_count += 1
        number = self.change_count
        self.events.append(
            EmployeeChanged(
                employee_id=self.id,
                change_number=number,
                effective_date=at.date(),
                changes=None,
                changed_at=at,
                bank_account_sealed=seal(account, self.id),
                iban_masked=account.masked,
            )
        )
        return True

    def terminate(self, last_day: date, reason: str, *, at: datetime) -> None:
        """The employee's last day is ``last_day`` (on or after the hire date); inactive from the next day."""
        self._refuse_if_terminated()
        if last_day < self.hire_date:
            raise ChangeBeforeHire(
                "termination_date", f"is before the hire date {self.hire_date.isoformat()}: it must be on or after it"
            )
        self.termination = Termination(last_day, required_text("reason", reason), at)
        self.events.append(
            EmployeeTerminatedEvent(
                employee_id=self.id, termination_date=last_day, reason=self.termination.reason, terminated_at=at
            )
        )

    def _refuse_if_terminated(self) -> None:
        if self.termination is not None:
            raise EmployeeTerminated(details={"termination_date": self.termination.last_day.isoformat()})
