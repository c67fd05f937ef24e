"""Recruitment over HTTP on the local runtime: the public job-application form answers a presigned S3 POST,
the CV is uploaded with it over a socket to the URL the API answered (as a browser would, no in-process SDK),
S3's notification checks it (CandidateApplied on the bus, one acknowledgement email; an HTML page called cv.pdf
refused and deleted), HR reads the candidate and downloads its CV with the link, and hires them (EmployeeHired
naming the candidate); only HR sees candidates."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from .conftest import eventually

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
CAREERS_PAGE = "http://localhost:5173"  # one of the AllowedOrigins the e2e stack is given
HTML = b"<!DOCTYPE html><html><body>not a CV</body></html>"
TERMS = {
    "country": "DE",
    "hire_date": "2027-01-04",
    "base_salary": "5200.00",
    "position": "Compiler Engineer",
    "department": "Engineering",
    "cost_centre": "CC-100",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
}


def _apply(http, email: str, content: bytes) -> dict[str, Any]:
    form = {
        "name": "Grace Hopper",
        "email": email,
        "position": "Compiler Engineer",
        "message": "I wrote the first compiler.",
        "cv": {"filename": "grace-cv.pdf", "content_type": "application/pdf", "size": len(content)},
        "website": "",
    }
    status, accepted = http.post("/forms/job-application", form)
    assert status == 202, accepted
    upload = accepted["upload"]
    assert upload["url"].startswith("http://127.0.0.1:"), upload["url"]  # the runtime's S3, not amazonaws.com
    body, content_type = _multipart_form(upload["fields"], "grace-cv.pdf", content)
    status, headers, answer = _over_the_socket(upload["url"], body, content_type, origin=CAREERS_PAGE)
    assert status == 204, answer
    assert headers.get("Access-Control-Allow-Origin") == CAREERS_PAGE  # the page may read S3's answer (CORS)
    return accepted


def _multipart_form(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    """What a browser's <form enctype="multipart/form-data"> sends: the policy fields, then the file (S3 wants
    it last). Built by hand, not with ``requests``: moto's mock patches ``requests`` inside this process."""
    boundary = f"----browser{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n\r\n'
    parts.append(head.encode() + content + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _over_the_socket(
    url: str, body: bytes | None = None, content_type: str | None = None, *, origin: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method="GET" if body is None else "POST")
    if content_type:
        request.add_header("Content-Type", content_type)
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def _candidate(http, hr: str, candidate_id: str, status: str) -> dict[str, Any] | None:
    code, candidate = http.get(f"/candidates/{candidate_id}", token=hr)
    assert code == 200, candidate
    return candidate if candidate["status"] == status else None


def _published(http, detail_type: str, needle: str) -> list[dict[str, Any]]:
    _, body = http.get("/_local/events?limit=100000")
    return [e for e in body["events"] if e.get("detail-type") == detail_type and needle in json.dumps(e)]


def test_an_application_with_its_cv_becomes_a_candidate_hr_hires(http):
    hr = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr")
    email = f"grace-{uuid.uuid4().hex[:6]}@example.com"
    accepted = _apply(http, email, PDF)
    candidate_id = accepted["candidate_id"]

    candidate = eventually(lambda: _candidate(http, hr, candidate_id, "applied"))
    assert candidate["cv"]["size_bytes"] == len(PDF) and candidate["acknowledged"] is True
    [applied] = eventually(lambda: _published(http, "CandidateApplied", candidate_id))
    assert email not in json.dumps(applied) and applied["source"] == "tandem.hr"
    _, emails = http.get("/_local/emails")
    [mail] = [m for m in emails["emails"] if email in m["to"]]
    assert "Compiler Engineer" in json.dumps(mail) and "Auto-Submitted" in json.dumps(mail)

    status, link = http.get(f"/candidates/{candidate_id}/cv", token=hr)
    assert status == 200
    download_status, _, downloaded = _over_the_socket(link["url"])
    assert (download_status, downloaded) == (200, PDF)

    status, employee = http.post(f"/candidates/{candidate_id}/hire", TERMS, token=hr)
    assert status == 201 and employee["email"] == email
    [hired] = eventually(lambda: _published(http, "EmployeeHired", employee["id"]))
    assert hired["detail"]["data"]["candidate_id"] == candidate_id
    status, again = http.post(f"/candidates/{candidate_id}/hire", TERMS, token=hr)
    assert status == 409 and again["error"]["code"] == "candidate_already_decided"


def test_an_html_page_called_cv_pdf_is_refused_and_the_candidate_cannot_be_hired(http):
    hr = http.token(f"hr-{uuid.uuid4().hex[:6]}", "hr")
    accepted = _apply(http, f"mallory-{uuid.uuid4().hex[:6]}@example.com", HTML)
    candidate = eventually(lambda: _candidate(http, hr, accepted["candidate_id"], "cv_rejected"))
    assert "not a PDF" in candidate["cv_refusal"]
    status, body = http.post(f"/candidates/{accepted['candidate_id']}/hire", TERMS, token=hr)
    assert status == 409 and body["error"]["code"] == "candidate_has_no_cv"
    assert http.get(f"/candidates/{accepted['candidate_id']}/cv", token=hr)[0] == 404


def test_a_cv_of_another_type_is_422_naming_the_field_and_only_hr_sees_candidates(http):
    form = {
        "name": "Eve",
        "email": "eve@example.com",
        "position": "Engineer",
        "cv": {"filename": "cv.exe", "content_type": "application/x-msdownload", "size": 1000},
    }
    status, body = http.post("/forms/job-application", form)
    assert status == 422 and body["error"]["details"][0]["field"] == "cv.content_type"
    assert http.get("/candidates")[0] == 401
    for group in ("sales", "payroll", "employee"):
        assert http.get("/candidates", token=http.token(f"{group}-{uuid.uuid4().hex[:6]}", group))[0] == 403
