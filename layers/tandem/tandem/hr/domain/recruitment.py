"""Candidates from the job-application form, their CV rules, and hiring one as an employee (once).

The CV rules are data (``CV_RULES``): allowed types with their file extensions and the first bytes a real
file of that type starts with, and a size limit. They are applied twice: to what the form *declares*
(``check_declared_cv``: type, extension, size, before a byte is stored) and to what S3 then *received*
(``check_cv``: the same plus the first bytes), so a ``.pdf`` that is really an HTML page or an executable is
refused however it was labelled.

A candidate's life: ``awaiting_cv`` (the form is stored, the browser uploads the CV straight to S3) ->
``applied`` (the CV arrived and passed: ``CandidateApplied``) or ``cv_rejected`` (its bytes were not what
it claimed; the file is deleted) -> ``hired`` (an employee made of it) or ``rejected``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import CandidateAlreadyDecided, CandidateHasNoCv, CvRefused
from tandem.hr.domain.events import CandidateApplied, CandidateHired, CandidateRejected, HrEvent
from tandem.hr.domain.model import Employee, PersonalDetails, Sealer, required_text, valid_email
from tandem.hr.domain.records import EmployeeRecord

MIB = 1024 * 1024
CV_HEAD_BYTES = 16  # enough for every type's magic bytes (the longest, OLE2, is 8)
CV_PREFIX = "cv/"


def cv_key(candidate_id: UUID, unique: UUID) -> str:
    """The one S3 key a candidate's upload form allows: ``cv/<candidate id>/<random>`` (not guessable, and
    the notification knows whose file it is without a lookup)."""
    return f"{CV_PREFIX}{candidate_id}/{unique}"


def candidate_of_key(key: str) -> UUID | None:
    """The candidate id in a ``cv_key``, or None for any other key."""
    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != CV_PREFIX:  # noqa: PLR2004 - cv / <candidate> / <unique>
        return None
    try:
        return UUID(parts[1])
    except ValueError:
        return None


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


def _cv_type(content_type: str, rules: CvRules) -> tuple[str, CvType]:
    media_type = content_type.split(";")[0].strip().lower()
    kind = rules.types.get(media_type)
    if kind is None:
        raise CvRefused("cv.content_type", "must be a PDF, DOC or DOCX file")
    return media_type, kind


def check_declared_cv(file_name: str, content_type: str, size_bytes: int, rules: CvRules = CV_RULES) -> CvFile:
    """What the form says the CV is, checked before anything is stored: ``CvRefused`` naming the field."""
    media_type, kind = _cv_type(content_type, rules)
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name.lower().endswith(kind.extensions):
        raise CvRefused("cv.filename", f"a {media_type} file's name must end with {' or '.join(kind.extensions)}")
    if size_bytes <= 0:
        raise CvRefused("cv.size", "is empty")
    if size_bytes > rules.max_bytes:
        raise CvRefused("cv.size", f"is larger than {rules.max_bytes // MIB} MB")
    return CvFile(name, media_type, size_bytes)


def check_cv(file_name: str, content_type: str, head: bytes, size_bytes: int, rules: CvRules = CV_RULES) -> CvFile:
    """The CV as received (its first bytes and real size), or ``CvRefused``: type, extension, size, content."""
    cv = check_declared_cv(file_name, content_type, size_bytes, rules)
    kind = rules.types[cv.content_type]
    if not head.startswith(kind.magic):
        raise CvRefused("cv", f"its content is not a {kind.extensions[0].lstrip('.').upper()} file")
    return cv


class CandidateStatus(StrEnum):
    AWAITING_CV = "awaiting_cv"
    CV_REJECTED = "cv_rejected"
    APPLIED = "applied"
    HIRED = "hired"
    REJECTED = "rejected"


class CvOutcome(StrEnum):
    """What an uploaded file did to its candidate."""

    ACCEPTED = "accepted"  # the CV passed: the candidate applied
    REFUSED = "refused"  # its bytes are not what the form declared: the candidate is cv_rejected
    REPEATED = "repeated"  # S3 delivered the notification again: nothing changes
    UNEXPECTED = "unexpected"  # not the key this candidate was given (or no such candidate): the file goes


@dataclass(frozen=True)
class Application:
    """What the public form brings: who, for what, and the CV as declared (checked by ``check_declared_cv``)."""

    name: str
    email: str
    position: str
    cv: CvFile
    job_reference: str | None = None
    message: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadForm:
    """A presigned S3 POST: the browser posts ``fields`` plus the file (last) to ``url`` before ``expires_at``."""

    url: str
    fields: Mapping[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class Acknowledgement:
    """The plain-text email that tells the candidate their application arrived (sent once)."""

    to: str
    subject: str
    text: str


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
    application: Application
    cv_key: str  # the only S3 key whose upload counts as this candidate's CV
    submitted_at: datetime
    status: CandidateStatus = CandidateStatus.AWAITING_CV
    applied_at: datetime | None = None
    cv_refusal: str | None = None
    acknowledged_at: datetime | None = None
    employee_id: UUID | None = None
    version: int = 0
    events: list[HrEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.application.name

    @property
    def email(self) -> str:
        return self.application.email

    @property
    def position(self) -> str:
        return self.application.position

    @property
    def cv(self) -> CvFile:
        return self.application.cv

    @classmethod
    def submit(cls, candidate_id: UUID, application: Application, cv_key: str, *, at: datetime) -> Candidate:
        """The form is stored; the candidate waits for their CV (no event yet: nobody applied without one)."""
        checked = replace(
            application,
            name=required_text("name", application.name),
            email=valid_email(application.email),
            position=required_text("position", application.position),
        )
        return cls(candidate_id, checked, cv_key, at)

    def expects_cv(self, key: str) -> bool:
        """Whether an upload under ``key`` is this candidate's CV still to be checked."""
        return key == self.cv_key and self.status is CandidateStatus.AWAITING_CV

    def receive_cv(self, key: str, head: bytes, size_bytes: int, *, at: datetime) -> CvOutcome:
        """The file S3 stored under ``key``, re-checked with its real first bytes and size against what the form
        declared. Accepted once (``CandidateApplied``); a redelivery is ``REPEATED`` and changes nothing."""
        if key != self.cv_key:
            return CvOutcome.UNEXPECTED
        if self.status is not CandidateStatus.AWAITING_CV:
            return CvOutcome.REPEATED
        try:
            received = check_cv(self.cv.file_name, self.cv.content_type, head, size_bytes)
        except CvRefused as refused:
            self.status, self.cv_refusal = CandidateStatus.CV_REJECTED, refused.details[0]["message"]
            return CvOutcome.REFUSED
        self.application = replace(self.application, cv=received)
        self.status, self.applied_at = CandidateStatus.APPLIED, at
        self.events.append(CandidateApplied(candidate_id=self.id, position=self.position, applied_at=at, has_cv=True))
        return CvOutcome.ACCEPTED

    @property
    def keeps_cv(self) -> bool:
        """Whether the stored file is this candidate's accepted CV (a refused one is deleted)."""
        return self.status in (CandidateStatus.APPLIED, CandidateStatus.HIRED, CandidateStatus.REJECTED)

    def claim_acknowledgement(self, *, at: datetime) -> Acknowledgement | None:
        """The acknowledgement to send, once: marked before it is sent (a crash in between loses one courtesy
        email rather than sending it twice); None before the CV passed or once claimed."""
        if self.status is not CandidateStatus.APPLIED or self.acknowledged_at is not None:
            return None
        self.acknowledged_at = at
        text = (
            f"Hello {self.name},\n\n"
            f"thank you for applying for {self.position}. We received your CV ({self.cv.file_name}) and will be in "
            "touch once we have read it.\n\n"
            f"Your reference: {self.id}\n\n"
            "This message was sent automatically; please do not reply to it."
        )
        return Acknowledgement(self.email, f"Your application: {self.position}", text)

    def hire(self, employee_id: UUID, terms: HireTerms, *, at: datetime, seal: Sealer) -> Employee:
        """The employee this candidate becomes (``EmployeeHired`` names the candidate); refused a second time,
        and refused while the CV never arrived or was refused."""
        self._refuse_unless_applied()
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
        self._refuse_unless_applied()
        self.status = CandidateStatus.REJECTED
        self.events.append(CandidateRejected(self.id, at))

    def _refuse_unless_applied(self) -> None:
        if self.status is CandidateStatus.AWAITING_CV:
            raise CandidateHasNoCv("The candidate's CV never arrived: nothing to decide on yet")
        if self.status is CandidateStatus.CV_REJECTED:
            raise CandidateHasNoCv(f"The candidate's CV was refused ({self.cv_refusal}): they must apply again")
        if self.status is not CandidateStatus.APPLIED:
            raise CandidateAlreadyDecided(
                f"The candidate was already {self.status.value}",
                details={"status": self.status.value, "employee_id": str(self.employee_id or "") or None},
            )
