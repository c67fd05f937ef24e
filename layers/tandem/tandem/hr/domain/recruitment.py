"""Candidates from the job-application form, their CV rules, and hiring one as an employee (once).

The CV rules are data (``CV_RULES``): allowed types with their file extensions and the first bytes a real
file of that type starts with, and a size limit. ``check_cv`` applies them to what the form received, so a
``.pdf`` that is really an executable is refused however it was labelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import CandidateAlreadyDecided, CvRefused
from tandem.hr.domain.events import CandidateApplied, CandidateHired, CandidateRejected, HrEvent
from tandem.hr.domain.model import Employee, PersonalDetails, Sealer, required_text, valid_email
from tandem.hr.domain.records import EmployeeRecord

MIB = 1024 * 1024


@dataclass(frozen=True)
class CvType:
    extensions: tuple[str, ...]
    magic: bytes  # what the file's first bytes are


@dataclass(frozen=True)
class CvRules:
    types: Mapping[str, CvType]
    max_bytes: int


CV_RULES = CvRules(
    types={
        "application/pdf": CvType((".pdf",), b"%PDF-"),
        # Word 97-2003: an OLE2 compound file
        "application/msword": CvType((".doc",), bytes.fromhex("d0cf11e0a1b11ae1")),
        # Word 2007+: a ZIP container
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": CvType((".docx",), b"PK\x03\x04"),
    },
    max_bytes=5 * MIB,
)


@dataclass(frozen=True)
class CvFile:
    file_name: str
    content_type: str
    size_bytes: int


def check_cv(file_name: str, content_type: str, head: bytes, size_bytes: int, rules: CvRules = CV_RULES) -> CvFile:
    """The CV as accepted, or ``CvRefused`` naming what is wrong: type, extension, content or size."""
    kind = rules.types.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        raise CvRefused("cv", "must be a PDF, DOC or DOCX file")
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name.lower().endswith(kind.extensions):
        raise CvRefused("cv", f"a {content_type} file's name must end with {' or '.join(kind.extensions)}")
    if size_bytes <= 0:
        raise CvRefused("cv", "is empty")
    if size_bytes > rules.max_bytes:
        raise CvRefused("cv", f"is larger than {rules.max_bytes // MIB} MB")
    if not head.startswith(kind.magic):
        raise CvRefused("cv", f"its content is not a {kind.extensions[0].lstrip('.').upper()} file")
    return CvFile(name, content_type, size_bytes)


class CandidateStatus(StrEnum):
    APPLIED = "applied"
    HIRED = "hired"
    REJECTED = "rejected"


@dataclass(frozen=True)
class HireTerms:
    """What HR adds to an application to make an employee of it."""

    country: str
    hire_date: date
    record: EmployeeRecord
    bank_account: BankAccount
    user_sub: str | None = None


@dataclass
class Candidate:
    id: UUID
    name: str
    email: str
    position: str
    applied_at: datetime
    cv: CvFile | None = None
    status: CandidateStatus = CandidateStatus.APPLIED
    employee_id: UUID | None = None
    version: int = 0
    events: list[HrEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def apply(  # noqa: PLR0913 - one argument per field of the form
        cls, candidate_id: UUID, name: str, email: str, position: str, cv: CvFile | None, *, at: datetime
    ) -> Candidate:
        candidate = cls(
            candidate_id, required_text("name", name), valid_email(email), required_text("position", position), at, cv
        )
        candidate.events.append(
            CandidateApplied(
                candidate_id=candidate_id, position=candidate.position, applied_at=at, has_cv=cv is not None
            )
        )
        return candidate

    def hire(self, employee_id: UUID, terms: HireTerms, *, at: datetime, seal: Sealer) -> Employee:
        """The employee this candidate becomes (``EmployeeHired`` names the candidate); refused a second time."""
        self._refuse_if_decided()
        details = PersonalDetails(self.name, self.email, terms.country, terms.user_sub)
        employee = Employee.hire(
            employee_id,
            details,
            terms.hire_date,
            terms.record,
            terms.bank_account,
            at=at,
            seal=seal,
            candidate_id=self.id,
        )
        self.status, self.employee_id = CandidateStatus.HIRED, employee_id
        self.events.append(CandidateHired(self.id, employee_id, at))
        return employee

    def reject(self, *, at: datetime) -> None:
        self._refuse_if_decided()
        self.status = CandidateStatus.REJECTED
        self.events.append(CandidateRejected(self.id, at))

    def _refuse_if_decided(self) -> None:
        if self.status is not CandidateStatus.APPLIED:
            raise CandidateAlreadyDecided(
                f"The candidate was already {self.status.value}",
                details={"status": self.status.value, "employee_id": str(self.employee_id or "") or None},
            )
