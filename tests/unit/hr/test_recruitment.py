"""Candidates: CV rules as data, applying, and hiring a candidate as an employee exactly once."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from tandem.hr.domain.bank import BankAccount
from tandem.hr.domain.errors import CandidateAlreadyDecided, CvRefused, InvalidEmployeeField
from tandem.hr.domain.events import CandidateApplied, CandidateHired, EmployeeHired
from tandem.hr.domain.recruitment import CV_RULES, Candidate, CandidateStatus, CvFile, HireTerms, check_cv

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
    ("name", "content_type", "head", "size", "reason"),
    [
        ("cv.exe", "application/x-msdownload", b"MZ", 10, "PDF, DOC or DOCX"),
        ("cv.png", "image/png", b"\x89PNG", 10, "PDF, DOC or DOCX"),
        ("cv.exe", "application/pdf", PDF, 10, "must end with .pdf"),
        ("cv.pdf", "application/pdf", b"MZ\x90\x00", 10, "not a PDF"),  # an executable labelled as a PDF
        ("cv.docx", DOCX_TYPE, PDF, 10, "not a DOCX"),
        ("cv.pdf", "application/pdf", PDF, CV_RULES.max_bytes + 1, "larger than 5 MB"),
        ("cv.pdf", "application/pdf", PDF, 0, "empty"),
    ],
)
def test_other_types_wrong_content_and_large_files_are_refused(name, content_type, head, size, reason):
    with pytest.raises(CvRefused, match=reason) as refused:
        check_cv(name, content_type, head, size)
    assert refused.value.details[0]["field"] == "cv"


def test_exactly_five_megabytes_is_still_accepted():
    assert check_cv("cv.pdf", "application/pdf", PDF, 5 * 1024 * 1024).size_bytes == 5 * 1024 * 1024


def _applicant(cv: CvFile | None = None) -> Candidate:
    return Candidate.apply(uuid4(), "Grace Hopper", "grace@example.com", "Compiler Engineer", cv, at=T0)


def test_applying_records_candidate_applied_without_personal_data():
    candidate = _applicant(CvFile("cv.pdf", "application/pdf", 100))
    [event] = candidate.events
    assert isinstance(event, CandidateApplied)
    assert (event.position, event.has_cv) == ("Compiler Engineer", True)
    assert "grace" not in repr(event).lower()


def test_an_application_needs_a_name_and_a_valid_email():
    with pytest.raises(InvalidEmployeeField, match="email"):
        Candidate.apply(uuid4(), "Grace", "not-an-address", "Engineer", None, at=T0)
    with pytest.raises(InvalidEmployeeField, match="name"):
        Candidate.apply(uuid4(), " ", "grace@example.com", "Engineer", None, at=T0)


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
