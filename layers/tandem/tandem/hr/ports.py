"""What the HR use cases need from the outside world: Protocols only, implemented in ``adapters``."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.leave import LeaveRequest, LeaveStatus
from tandem.hr.domain.model import Employee
from tandem.hr.domain.recruitment import Acknowledgement, Candidate, UploadForm
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page


class EmployeeRepository(Protocol):
    def add(self, employee: Employee) -> None:
        """Write a new employee at commit (its ``user_sub`` claimed: one employee per login)."""
        ...

    def save(self, employee: Employee) -> None:
        """Write ``employee`` under the version it was read with (``ConcurrentEmployeeUpdate`` otherwise),
        with one history item per change recorded since."""
        ...

    def get(self, employee_id: UUID) -> Employee | None: ...
    def by_user_sub(self, sub: str) -> Employee | None: ...
    def list_newest(self, limit: int, cursor: str | None) -> Page[Employee]: ...


class LeaveRepository(Protocol):
    def for_employee(self, employee_id: UUID) -> list[LeaveRequest]:
        """Every request of the employee, any status, read consistently (overlaps and balances need all)."""
        ...

    def get(self, leave_id: UUID) -> LeaveRequest | None: ...

    def add(self, leave: LeaveRequest, employee: Employee) -> None:
        """Write a new request; the employee's version is bumped in the same transaction, so two requests of
        one employee at once cannot both pass the overlap and balance checks."""
        ...

    def save(self, leave: LeaveRequest) -> None: ...

    def queue(self, status: LeaveStatus, manager_id: UUID | None, limit: int) -> list[LeaveRequest]:
        """Requests in ``status``, oldest first; only those of ``manager_id``'s reports when given."""
        ...


class CandidateRepository(Protocol):
    def add(self, candidate: Candidate) -> None: ...

    def save(self, candidate: Candidate) -> None:
        """Write ``candidate`` under the version it was read with (``ConcurrentCandidateUpdate`` otherwise)."""
        ...

    def get(self, candidate_id: UUID) -> Candidate | None: ...
    def list_newest(self, limit: int, cursor: str | None) -> Page[Candidate]: ...


class UnitOfWork(Protocol):
    """One transaction on HrTable: the employee, leave or candidate items, their history and their events."""

    @property
    def employees(self) -> EmployeeRepository: ...

    @property
    def leaves(self) -> LeaveRepository: ...

    @property
    def candidates(self) -> CandidateRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def record(self, envelope: Envelope[DomainEvent]) -> None: ...
    def commit(self) -> None: ...


class BankDetailsSealer(Protocol):
    """The domain's ``Sealer``: (account, employee id) -> ciphertext only payroll's bank-file step opens."""

    def __call__(self, account: BankAccount, employee_id: UUID) -> str: ...


class CvStore(Protocol):
    """Where CVs live (HrDocumentsBucket): the browser uploads straight to it, HR reads the first bytes back."""

    def upload_form(self, key: str, content_type: str, max_bytes: int) -> UploadForm:
        """A presigned POST for exactly ``key``, 1..``max_bytes`` bytes, ``content_type`` fixed."""
        ...

    def head(self, key: str, version_id: str | None, length: int) -> tuple[bytes, int] | None:
        """The object's first ``length`` bytes and its whole size; None when it is gone."""
        ...

    def delete(self, key: str, version_id: str | None) -> None:
        """Remove the object (that version for good, in a versioned bucket); gone already is fine."""
        ...

    def download_url(self, key: str, file_name: str, content_type: str) -> tuple[str, int]:
        """A short-lived presigned GET that downloads as an attachment, and its lifetime in seconds."""
        ...


class ApplicantMailer(Protocol):
    """Sends the candidate's acknowledgement (plain text through ``tandem.shared.mail``)."""

    def send(self, message: Acknowledgement) -> None: ...
