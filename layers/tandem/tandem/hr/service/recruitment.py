"""Recruitment from the web: the public form, the CV's arrival in S3, the candidates HR reads, and a hire.

The CV never passes through the API (its JSON edge caps bodies at 64 KB; a CV may be 5 MB): the form is
checked and stored (``awaiting_cv``) and answered with a presigned S3 POST for one key; S3's notification
then brings ``receive_cv``, which re-checks the stored bytes. S3 delivers notifications at least once: the
candidate's status makes a repeat change nothing, and the acknowledgement is marked in the transaction that
accepts the CV and sent right after it (mark-then-send: at most one email).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.commands import HireCandidate, SubmitApplication
from tandem.hr.domain.errors import CandidateNotFound, ConcurrentCandidateUpdate, ConcurrentEmployeeUpdate, CvNotFound
from tandem.hr.domain.events import HrEvent
from tandem.hr.domain.model import Employee
from tandem.hr.domain.recruitment import (
    CV_HEAD_BYTES,
    CV_RULES,
    Acknowledgement,
    Candidate,
    CvOutcome,
    HireTerms,
    UploadForm,
    candidate_of_key,
    check_declared_cv,
    cv_key,
)
from tandem.hr.ports import ApplicantMailer, BankDetailsSealer, CvStore, UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

log = logging.getLogger(__name__)
ATTEMPTS = 4
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Submitted:
    """The form's answer: the candidate's reference and where the browser uploads the CV. A bot (filled
    honeypot) gets the same shape for a candidate that does not exist; its upload is deleted on arrival."""

    candidate_id: UUID
    upload: UploadForm


@dataclass(frozen=True, slots=True)
class CvDownload:
    url: str
    file_name: str
    content_type: str
    size_bytes: int
    expires_in: int


@dataclass(frozen=True, slots=True)
class CvCollaborators:
    """What recruitment needs besides the table: the CV store, the mailer, the IBAN seal (a hire)."""

    documents: CvStore
    mailer: ApplicantMailer
    seal: BankDetailsSealer


class RecruitmentService:
    """The recruitment use cases; a new unit of work per call."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock, collaborators: CvCollaborators) -> None:
        self.uow = uow
        self.clock = clock
        self.documents = collaborators.documents
        self.mailer = collaborators.mailer
        self.seal = collaborators.seal

    def submit_application(self, command: SubmitApplication, context: MessageContext) -> Submitted:
        """Checks the declared CV (422 naming the field, nothing stored), stores the candidate ``awaiting_cv``
        and answers the upload form for its one key. A filled honeypot stores nothing and looks the same."""
        declared = command.application.cv
        cv = check_declared_cv(declared.file_name, declared.content_type, declared.size_bytes)
        candidate_id = self.clock.new_id()
        key = cv_key(candidate_id, self.clock.new_id())
        if not command.honeypot.strip():
            application = replace(command.application, cv=cv)
            candidate = Candidate.submit(candidate_id, application, key, at=self.clock.now())
            with self.uow() as uow:
                uow.candidates.add(candidate)
                uow.commit()
        return Submitted(candidate_id, self.documents.upload_form(key, cv.content_type, CV_RULES.max_bytes))

    def receive_cv(self, key: str, version_id: str | None, context: MessageContext) -> CvOutcome:
        """S3 stored a file under ``cv/``: its first bytes and size decide (``CandidateApplied`` and the
        acknowledgement, or ``cv_rejected`` and the file deleted). A repeat changes nothing; a file that is
        nobody's CV (a bot's, a stale key) is deleted."""
        candidate_id = candidate_of_key(key)

        def attempt() -> tuple[CvOutcome, Candidate | None, Acknowledgement | None]:
            with self.uow() as uow:
                candidate = uow.candidates.get(candidate_id) if candidate_id else None
                if candidate is None:
                    return CvOutcome.UNEXPECTED, None, None
                if not candidate.expects_cv(key):
                    return (CvOutcome.REPEATED if key == candidate.cv_key else CvOutcome.UNEXPECTED), candidate, None
                stored = self.documents.head(key, version_id, CV_HEAD_BYTES)
                if stored is None:  # deleted since: nothing to judge
                    return CvOutcome.REPEATED, candidate, None
                now = self.clock.now()
                outcome = candidate.receive_cv(key, stored[0], stored[1], at=now)
                acknowledgement = candidate.claim_acknowledgement(at=now)
                uow.candidates.save(candidate)
                self._record(uow, candidate.events, context)
                uow.commit()
            return outcome, candidate, acknowledgement

        outcome, candidate, acknowledgement = self._retrying(attempt)
        if candidate is None or key != candidate.cv_key or not candidate.keeps_cv:
            self.documents.delete(key, version_id)
        if acknowledgement is not None and candidate is not None:
            self._send(acknowledgement, candidate)
        return outcome

    def list_candidates(self, limit: int, cursor: str | None = None) -> Page[Candidate]:
        """Candidates, newest application first."""
        with self.uow() as uow:
            return uow.candidates.list_newest(limit, cursor)

    def candidate(self, candidate_id: UUID) -> Candidate:
        with self.uow() as uow:
            return self._candidate(uow, candidate_id)

    def cv_download(self, candidate_id: UUID) -> CvDownload:
        """A short-lived link to the candidate's accepted CV, or ``CvNotFound``."""
        candidate = self.candidate(candidate_id)
        if not candidate.keeps_cv:
            raise CvNotFound(details={"status": candidate.status.value})
        cv = candidate.cv
        url, expires_in = self.documents.download_url(candidate.cv_key, cv.file_name, cv.content_type)
        return CvDownload(url, cv.file_name, cv.content_type, cv.size_bytes, expires_in)

    def hire(self, command: HireCandidate, context: MessageContext) -> Employee:
        """The employee made of the candidate (``EmployeeHired`` with its ``candidate_id``) and the candidate
        ``hired``, in one transaction; twice, or without an accepted CV: 409."""
        account = BankAccount.of(command.iban, command.bic)  # a bad IBAN is 422 before anything is read
        terms = HireTerms(command.country, command.hire_date, command.record, account, command.user_sub)

        def attempt() -> Employee:
            with self.uow() as uow:
                candidate = self._candidate(uow, command.candidate_id)
                employee = candidate.hire(self.clock.new_id(), terms, at=self.clock.now(), seal=self.seal)
                uow.employees.add(employee)
                uow.candidates.save(candidate)
                self._record(uow, [*employee.events, *candidate.events], context)
                uow.commit()
            employee.events.clear()
            candidate.events.clear()
            return employee

        return self._retrying(attempt)

    def _send(self, acknowledgement: Acknowledgement, candidate: Candidate) -> None:
        try:
            self.mailer.send(acknowledgement)
        except Exception as exc:  # noqa: BLE001 - the application is stored; the email is a courtesy, sent once
            log.warning("acknowledgement not sent", extra={"candidate": str(candidate.id), "error": type(exc).__name__})

    def _candidate(self, uow: UnitOfWork, candidate_id: UUID) -> Candidate:
        candidate = uow.candidates.get(candidate_id)
        if candidate is None:
            raise CandidateNotFound(details={"id": str(candidate_id)})
        return candidate

    def _record(self, uow: UnitOfWork, events: list[HrEvent], context: MessageContext) -> None:
        """Outbox items for the published events; HR-internal facts (``CandidateHired``) stay in the domain."""
        moment = self.clock.now()
        for event in events:
            if isinstance(event, DomainEvent):
                uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=self.clock.new_id()))
        events.clear()

    def _retrying(self, attempt: Callable[[], T]) -> T:
        races = (ConcurrentCandidateUpdate, ConcurrentEmployeeUpdate)
        return retrying(attempt, on=races, attempts=ATTEMPTS, sleep=self.clock.sleep)
