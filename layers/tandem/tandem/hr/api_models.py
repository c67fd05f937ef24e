"""Request and response models of the HR API (the edge; the domain never sees them).

Amounts travel as decimal text (``Money``), fractions as ``Rate`` text; the domain checks the values (a
salary above 0 in whole cents, a working time in (0, 1], an IBAN's checksum) and names the field it refuses.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tandem.hr.domain.commands import (
    ChangeEmployee,
    HireCandidate,
    HireEmployee,
    RequestLeave,
    SubmitApplication,
    TerminateEmployee,
)
from tandem.hr.domain.leave import LeaveKind, LeavePeriod, LeaveRequest, LeaveStatus
from tandem.hr.domain.leave_rules import LeaveBalance
from tandem.hr.domain.model import PersonalDetails
from tandem.hr.domain.records import DEFAULT_ANNUAL_LEAVE_DAYS, EmployeeRecord, RecordChange, TaxSettings
from tandem.hr.domain.recruitment import Application, Candidate, CandidateStatus, CvFile
from tandem.hr.service import CvDownload, EmployeeDetails, Submitted
from tandem.shared.openapi import ItemsPage, Money, Rate
from tandem.shared.paging import Page
from tandem.shared.text import MultiLine, SingleLine

TEXT_MAX = 200
Contribution = Literal["pension", "health", "unemployment", "care"]
Iban = Annotated[str, Field(min_length=5, max_length=42, examples=["DE89 3704 0044 0532 0130 00"]), SingleLine(42)]
Bic = Annotated[str | None, Field(max_length=11, examples=["COBADEFFXXX"]), SingleLine(11, min_length=0)]
Days = Annotated[
    str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$", description="Days as decimal text", examples=["25"])
]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2, e.g. DE", examples=["DE"])]
Sub = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@-]+$")]


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _EmploymentTerms(_Request):
    """The employee fields of a hire: the record as of the hire date and where the salary goes."""

    country: Country
    hire_date: date
    base_salary: Money = Field(description="Monthly, full time, in the company currency")
    position: Annotated[str, Field(examples=["Engineer"]), SingleLine(TEXT_MAX)]
    department: Annotated[str, Field(examples=["Engineering"]), SingleLine(TEXT_MAX)]
    cost_centre: Annotated[str, Field(examples=["CC-100"]), SingleLine(TEXT_MAX)]
    working_time: Rate = Field(default="1", description="Share of full time: 0.5 is half time")
    manager_id: UUID | None = None
    user_sub: Sub | None = Field(default=None, description="The Cognito subject of the employee's own login")
    iban: Iban
    bic: Bic = None
    tax_code: Annotated[str, SingleLine(40)] = "standard"
    contribution_exemptions: list[Contribution] = Field(default_factory=list, max_length=4)
    annual_leave_days: Days = str(DEFAULT_ANNUAL_LEAVE_DAYS)

    def _record(self) -> EmployeeRecord:
        return EmployeeRecord(
            base_salary=Decimal(self.base_salary),
            position=self.position,
            department=self.department,
            cost_centre=self.cost_centre,
            working_time=Decimal(self.working_time),
            manager_id=self.manager_id,
            tax=TaxSettings(self.tax_code, frozenset(self.contribution_exemptions)),
            annual_leave_days=Decimal(self.annual_leave_days),
        )


class HireEmployeeRequest(_EmploymentTerms):
    """A new employee: who they are, their record as of the hire date and where their salary goes."""

    name: Annotated[str, Field(examples=["Ada Keller"]), SingleLine(TEXT_MAX)]
    email: Annotated[str, Field(examples=["ada.keller@tandem.example"]), SingleLine(254, min_length=3)]

    def to_command(self) -> HireEmployee:
        details = PersonalDetails(self.name, self.email, self.country, self.user_sub)
        return HireEmployee(details, self.hire_date, self._record(), self.iban, self.bic or None)


class HireCandidateRequest(_EmploymentTerms):
    """What a candidate lacks to become an employee (name and email come from the application)."""

    def to_command(self, candidate_id: UUID) -> HireCandidate:
        return HireCandidate(
            candidate_id, self.country, self.hire_date, self._record(), self.iban, self.bic or None, self.user_sub
        )


class TaxSettingsChange(_Request):
    tax_code: Annotated[str, SingleLine(40)] = "standard"
    contribution_exemptions: list[Contribution] = Field(default_factory=list, max_length=4)


class EmployeeChangeRequest(_Request):
    """Fields that change from ``effective_date`` on (back-dating allowed, not before the hire date); at least one."""

    effective_date: date
    base_salary: Money | None = None
    position: Annotated[str | None, SingleLine(TEXT_MAX)] = None
    department: Annotated[str | None, SingleLine(TEXT_MAX)] = None
    cost_centre: Annotated[str | None, SingleLine(TEXT_MAX)] = None
    working_time: Rate | None = None
    manager_id: UUID | None = None
    tax: TaxSettingsChange | None = None
    annual_leave_days: Days | None = None

    def to_command(self, employee_id: UUID) -> ChangeEmployee:
        change = RecordChange(
            base_salary=_decimal(self.base_salary),
            position=self.position,
            department=self.department,
            cost_centre=self.cost_centre,
            working_time=_decimal(self.working_time),
            manager_id=self.manager_id,
            tax=TaxSettings(self.tax.tax_code, frozenset(self.tax.contribution_exemptions)) if self.tax else None,
            annual_leave_days=_decimal(self.annual_leave_days),
        )
        return ChangeEmployee(employee_id, self.effective_date, change)


class TerminationRequest(_Request):
    termination_date: date = Field(description="The last day employed (on or after the hire date)")
    reason: Annotated[str, Field(examples=["resigned"]), SingleLine(TEXT_MAX)]

    def to_command(self, employee_id: UUID) -> TerminateEmployee:
        return TerminateEmployee(employee_id, self.termination_date, self.reason)


class LeaveRequestForm(_Request):
    """Paid or unpaid leave; ``half_day_start``: only the first day's afternoon off, ``half_day_end``: only the
    last day's morning."""

    kind: LeaveKind
    start: date
    end: date
    half_day_start: bool = False
    half_day_end: bool = False

    def to_command(self) -> RequestLeave:
        return RequestLeave(self.kind, LeavePeriod(self.start, self.end, self.half_day_start, self.half_day_end))


class LeaveRejection(_Request):
    reason: Annotated[str | None, MultiLine(1000, min_length=0)] = None


class LeaveBalanceView(BaseModel):
    """Paid leave of the current year, in days."""

    year: int
    allowance: str
    taken: str
    pending: str
    remaining: str
    available: str

    @classmethod
    def of(cls, balance: LeaveBalance) -> LeaveBalanceView:
        return cls(
            year=balance.year,
            allowance=str(balance.allowance),
            taken=str(balance.taken),
            pending=str(balance.pending),
            remaining=str(balance.remaining),
            available=str(balance.available),
        )


class EmployeeView(BaseModel):
    """An employee as the caller may see them today. Pay, bank and tax fields (and the leave balance) are
    present only for ``hr``, ``payroll`` and the employee themself; a manager sees the work facts."""

    id: UUID
    name: str
    email: str
    country: str
    hire_date: date
    termination_date: date | None
    active: bool
    position: str
    department: str
    cost_centre: str
    working_time: Rate
    manager_id: UUID | None
    base_salary: Money | None = None
    iban: str | None = None
    bic: str | None = None
    tax_code: str | None = None
    contribution_exemptions: list[str] | None = None
    annual_leave_days: str | None = None
    leave_balance: LeaveBalanceView | None = None

    @classmethod
    def of(cls, details: EmployeeDetails) -> EmployeeView:
        view = dict(details.view)
        for name in ("working_time", "base_salary", "annual_leave_days"):
            if view.get(name) is not None:
                view[name] = str(view[name])
        balance = LeaveBalanceView.of(details.balance) if details.balance else None
        return cls.model_validate({**view, "leave_balance": balance})


class EmployeeList(ItemsPage[EmployeeView]):
    @classmethod
    def of(cls, page: Page[EmployeeDetails]) -> EmployeeList:
        return cls(items=[EmployeeView.of(e) for e in page.items], next_token=page.cursor)


class LeaveRequestView(BaseModel):
    id: UUID
    employee_id: UUID
    kind: LeaveKind
    start: date
    end: date
    half_day_start: bool
    half_day_end: bool
    days: str = Field(description="Working days off, halves included")
    status: LeaveStatus
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    note: str | None

    @classmethod
    def of(cls, leave: LeaveRequest) -> LeaveRequestView:
        p = leave.period
        return cls(
            id=leave.id,
            employee_id=leave.employee_id,
            kind=leave.kind,
            start=p.start,
            end=p.end,
            half_day_start=p.half_day_start,
            half_day_end=p.half_day_end,
            days=str(leave.days),
            status=leave.status,
            requested_at=leave.requested_at,
            decided_by=leave.decided_by,
            decided_at=leave.decided_at,
            note=leave.note,
        )


class LeaveRequestList(BaseModel):
    items: list[LeaveRequestView]

    @classmethod
    def of(cls, leaves: list[LeaveRequest]) -> LeaveRequestList:
        return cls(items=[LeaveRequestView.of(leave) for leave in leaves])


# --- recruitment: the public job-application form and the candidates HR reads -----------------------------

HONEYPOT_MAX = 500
Link = Annotated[str, Field(pattern=r'^https://[^\s<>"]+$', examples=["https://github.com/grace"]), SingleLine(300)]


class CvDeclaration(BaseModel):
    """The CV the browser is about to upload, as the form declares it; checked against the CV rules now (type,
    extension, size: 422 naming the field) and again on the bytes S3 receives."""

    model_config = ConfigDict(extra="forbid", strict=True)

    filename: Annotated[str, Field(examples=["grace-hopper-cv.pdf"]), SingleLine(255)]
    content_type: Annotated[
        str,
        Field(description="application/pdf, application/msword or the DOCX type", examples=["application/pdf"]),
        SingleLine(200),
    ]
    size: int = Field(ge=0, le=2**40, description="Bytes; at most 5 MB", examples=[184_320])


class JobApplicationForm(BaseModel):
    """The public job-application form. The CV itself is not in this body: the answer says where to upload it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str, Field(examples=["Grace Hopper"]), SingleLine(TEXT_MAX)]
    email: Annotated[str, Field(examples=["grace@example.com"]), SingleLine(254, min_length=3)]
    position: Annotated[
        str, Field(description="The job applied for", examples=["Compiler Engineer"]), SingleLine(TEXT_MAX)
    ]
    job_reference: Annotated[str | None, Field(pattern=r"^[A-Za-z0-9._-]{1,40}$", examples=["ENG-2027-04"])] = None
    message: Annotated[str | None, MultiLine(4000, min_length=0)] = None
    links: list[Link] = Field(default_factory=list, max_length=5, description="Portfolio, profile: https only")
    cv: CvDeclaration
    website: Annotated[
        str, Field(description="Honeypot: hidden from people, leave empty"), SingleLine(HONEYPOT_MAX, 0)
    ] = ""

    def to_command(self) -> SubmitApplication:
        cv = CvFile(self.cv.filename, self.cv.content_type, self.cv.size)
        application = Application(
            self.name, self.email, self.position, cv, self.job_reference, self.message or None, tuple(self.links)
        )
        return SubmitApplication(application, honeypot=self.website)


class CvUploadForm(BaseModel):
    """A presigned S3 POST: send ``fields`` and then the file (as the field ``file``, last) as
    multipart/form-data to ``url`` before ``expires_at``. S3 refuses another key, type or a size above 5 MB."""

    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class JobApplicationAccepted(BaseModel):
    """The form was received; the application counts once the CV is uploaded and checked (then an email)."""

    candidate_id: UUID = Field(description="Reference of the application")
    status: Literal["awaiting_cv"] = "awaiting_cv"
    upload: CvUploadForm

    @classmethod
    def of(cls, submitted: Submitted, max_bytes: int) -> JobApplicationAccepted:
        form = submitted.upload
        upload = CvUploadForm(url=form.url, fields=dict(form.fields), expires_at=form.expires_at, max_bytes=max_bytes)
        return cls(candidate_id=submitted.candidate_id, upload=upload)


class CandidateCvView(BaseModel):
    file_name: str
    content_type: str
    size_bytes: int


class CandidateView(BaseModel):
    """A candidate as HR sees them: the application, where it stands, and the employee it became."""

    id: UUID
    name: str
    email: str
    position: str
    job_reference: str | None
    message: str | None
    links: list[str]
    status: CandidateStatus
    submitted_at: datetime
    applied_at: datetime | None
    cv: CandidateCvView
    cv_refusal: str | None = Field(description="Why the uploaded file was refused (status cv_rejected)")
    acknowledged: bool = Field(description="Whether the acknowledgement email was sent")
    employee_id: UUID | None

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateView:
        application, cv = candidate.application, candidate.cv
        return cls(
            id=candidate.id,
            name=application.name,
            email=application.email,
            position=application.position,
            job_reference=application.job_reference,
            message=application.message,
            links=list(application.links),
            status=candidate.status,
            submitted_at=candidate.submitted_at,
            applied_at=candidate.applied_at,
            cv=CandidateCvView(file_name=cv.file_name, content_type=cv.content_type, size_bytes=cv.size_bytes),
            cv_refusal=candidate.cv_refusal,
            acknowledged=candidate.acknowledged_at is not None,
            employee_id=candidate.employee_id,
        )


class CandidateList(ItemsPage[CandidateView]):
    @classmethod
    def of(cls, page: Page[Candidate]) -> CandidateList:
        return cls(items=[CandidateView.of(c) for c in page.items], next_token=page.cursor)


class CvDownloadView(BaseModel):
    """A link that downloads the CV (as an attachment) for a few minutes; no token needed to follow it."""

    url: str
    file_name: str
    content_type: str
    size_bytes: int
    expires_in: int = Field(description="Seconds the link is valid")

    @classmethod
    def of(cls, download: CvDownload) -> CvDownloadView:
        return cls(
            url=download.url,
            file_name=download.file_name,
            content_type=download.content_type,
            size_bytes=download.size_bytes,
            expires_in=download.expires_in,
        )
