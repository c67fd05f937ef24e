"""Candidates: CV rules as data (declared, then on the received bytes), the CV's arrival (once), the
acknowledgement (once), and hiring a candidate as an employee exactly once."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import CandidateAlreadyDecided, CandidateHasNoCv, CvRefused, InvalidEmployeeField
from tandem.hr.domain.events import CandidateApplied, CandidateHired, EmployeeHired
from tandem.hr.domain.recruitment import (
    CV_RULES,
    Application,
    Candidate,
    CandidateStatus,
    CvFile,
    CvOutcome,
    HireTerms,
    candidate_of_key,
    check_cv,
    check_declared_cv,
    cv_key,
)

from .builders import IBAN_DE, T0, fake_seal, record

PDF = b"%PDF-1.7\n..."
DOCX = b"PK\x03\x04\x14\x00"
DOC = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("name", "content_type", "head"),
    [("cv.pdf", "application/pdf", PDF), ("CV.DOCX", DOCX_TYPE, DOCX), ("old.doc", "application/msword", DOC)],
)
def test_pdf_doc_and_docx_cvs_are_accepted(name, content_type, head):
    assert check_cv(name, content_type, head, 120_000) == CvFile(name, content_type, 120_000)


def test_a_path_in_the_file_name_is_dropped():
    assert check_cv("C:\\Users\\ada\\cv.pdf", "application/pdf; charset=binary", PDF, 10).file_name == "cv.pdf"


@pytest.mark.parametrize(
    ("name", "content_type", "head", "size", "field", "reason"),
    [
        ("cv.exe", "application/x-msdownload", b"MZ", 10, "cv.content_type", "PDF, DOC or DOCX"),
        ("cv.png", "image/png", b"\x89PNG", 10, "cv.content_type", "PDF, DOC or DOCX"),
        ("cv.exe", "application/pdf", PDF, 10, "cv.filename", "must end with .pdf"),
        ("cv.pdf", "application/pdf", b"MZ\x90\x00", 10, "cv", "not a PDF"),  # an executable labelled as a PDF
        ("cv.pdf", "application/pdf", b"<!DOCTYPE html>", 10, "cv", "not a PDF"),  # an HTML page called cv.pdf
        ("cv.docx", DOCX_TYPE, PDF, 10, "cv", "not a DOCX"),
        ("cv.pdf", "application/pdf", PDF, CV_RULES.max_bytes + 1, "cv.size", "larger than 5 MB"),
        ("cv.pdf", "application/pdf", PDF, 0, "cv.size", "empty"),
    ],
)
def test_other_types_wrong_content_and_large_files_are_refused(name, content_type, head, size, field, reason):
    with pytest.raises(CvRefused, match=reason) as refused:
        check_cv(name, content_type, head, size)
    assert refused.value.details[0]["field"] == field


def test_the_declared_cv_is_checked_without_its_bytes():
    assert check_declared_cv("cv.PDF", "Application/PDF", 10) == CvFile("cv.PDF", "application/pdf", 10)
    with pytest.raises(CvRefused, match="larger than 5 MB"):
        check_declared_cv("cv.pdf", "application/pdf", CV_RULES.max_bytes + 1)


def test_a_cv_key_names_its_candidate_and_nothing_else_does():
    candidate_id, unique = uuid4(), uuid4()
    assert candidate_of_key(cv_key(candidate_id, unique)) == candidate_id
    for other in ("cv/not-a-uuid/x", f"other/{candidate_id}/x", f"cv/{candidate_id}", f"cv/{candidate_id}/a/b"):
        assert candidate_of_key(other) is None


def test_exactly_five_megabytes_is_still_accepted():
    assert check_cv("cv.pdf", "application/pdf", PDF, 5 * 1024 * 1024).size_bytes == 5 * 1024 * 1024


KEY = "cv/key"


def _submitted(cv: CvFile | None = None) -> Candidate:
    application = Application(
        "Grace Hopper", "grace@example.com", "Compiler Engineer", cv or CvFile("cv.pdf", "application/pdf", 100)
    )
    return Candidate.submit(uuid4(), application, KEY, at=T0)


def _applicant() -> Candidate:
    candidate = _submitted()
    assert candidate.receive_cv(KEY, PDF, 100, at=T0) is CvOutcome.ACCEPTED
    candidate.events.clear()
    return candidate


def test_a_submitted_form_waits_for_its_cv_without_an_event():
    candidate = _submitted()
    assert (candidate.status, candidate.events) == (CandidateStatus.AWAITING_CV, [])


def test_a_cv_that_passes_applies_the_candidate_with_candidate_applied_without_personal_data_once():
    candidate = _submitted()
    assert candidate.receive_cv(KEY, PDF, 120, at=T0) is CvOutcome.ACCEPTED
    [event] = candidate.events
    assert isinstance(event, CandidateApplied)
    assert (event.position, event.has_cv, candidate.cv.size_bytes) == ("Compiler Engineer", True, 120)
    assert "grace" not in repr(event).lower()
    assert candidate.receive_cv(KEY, PDF, 120, at=T0) is CvOutcome.REPEATED
    assert len(candidate.events) == 1


def test_a_cv_whose_bytes_are_not_its_type_rejects_the_candidate_with_the_reason():
    candidate = _submitted()
    assert candidate.receive_cv(KEY, b"<html>", 120, at=T0) is CvOutcome.REFUSED
    assert candidate.status is CandidateStatus.CV_REJECTED and "not a PDF" in (candidate.cv_refusal or "")
    assert candidate.events == [] and not candidate.keeps_cv
    with pytest.raises(CandidateHasNoCv, match="refused"):
        candidate.hire(uuid4(), _terms(), at=T0, seal=fake_seal)


def test_an_upload_under_another_key_is_not_this_candidates_cv():
    candidate = _submitted()
    assert candidate.receive_cv("cv/other", PDF, 120, at=T0) is CvOutcome.UNEXPECTED
    assert candidate.status is CandidateStatus.AWAITING_CV


def test_the_acknowledgement_is_claimed_once_and_only_after_the_cv_passed():
    candidate = _submitted()
    assert candidate.claim_acknowledgement(at=T0) is None
    candidate.receive_cv(KEY, PDF, 120, at=T0)
    mail = candidate.claim_acknowledgement(at=T0)
    assert mail is not None and mail.to == "grace@example.com" and "Compiler Engineer" in mail.subject
    assert candidate.claim_acknowledgement(at=T0) is None


def test_a_candidate_without_a_cv_cannot_be_hired():
    with pytest.raises(CandidateHasNoCv, match="never arrived"):
        _submitted().hire(uuid4(), _terms(), at=T0, seal=fake_seal)


def test_an_application_needs_a_name_and_a_valid_email():
    cv = CvFile("cv.pdf", "application/pdf", 100)
    with pytest.raises(InvalidEmployeeField, match="email"):
        Candidate.submit(uuid4(), Application("Grace", "not-an-address", "Engineer", cv), KEY, at=T0)
    with pytest.raises(InvalidEmployeeField, match="name"):
        Candidate.submit(uuid4(), Application(" ", "grace@example.com", "Engineer", cv), KEY, at=T0)


def _terms() -> HireTerms:
    return HireTerms("DE", date(2027, 1, 4), record(position="Compiler Engineer"), BankAccount.of(IBAN_DE), "sub-grace")


def test_hiring_a_candidate_creates_the_employee_from_the_application_once():
    candidate = _applicant()
    candidate.events.clear()
    new_id = uuid4()
    hired = candidate.hire(new_id, _terms(), at=T0, seal=fake_seal)
    assert (hired.id, hired.details.name, hired.details.email) == (new_id, "Grace Hopper", "grace@example.com")
    [announced] = hired.events
    assert isinstance(announced, EmployeeHired) and announced.candidate_id == candidate.id
    assert (candidate.status, candidate.employee_id) == (CandidateStatus.HIRED, new_id)
    assert candidate.events == [CandidateHired(candidate.id, new_id, T0)]
    with pytest.raises(CandidateAlreadyDecided) as refused:
        candidate.hire(uuid4(), _terms(), at=T0, seal=fake_seal)
    assert refused.value.details["employee_id"] == str(new_id)


def test_a_rejected_candidate_cannot_be_hired_and_is_rejected_once():
    candidate = _applicant()
    candidate.reject(at=T0)
    with pytest.raises(CandidateAlreadyDecided, match="rejected"):
        candidate.hire(uuid4(), _terms(), at=T0, seal=fake_seal)
    with pytest.raises(CandidateAlreadyDecided):
        candidate.reject(at=T0)


def test_invalid_hire_terms_leave_the_candidate_applied():
    candidate = _applicant()
    terms = HireTerms("QQ", date(2027, 1, 4), record(), BankAccount.of(IBAN_DE))
    with pytest.raises(InvalidEmployeeField, match="country"):
        candidate.hire(uuid4(), terms, at=T0, seal=fake_seal)
    assert candidate.status is CandidateStatus.APPLIED
