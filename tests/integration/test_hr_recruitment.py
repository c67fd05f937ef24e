"""Recruitment over its three handlers under moto: the public form (declared CV checked, candidate stored
awaiting its CV, a presigned POST), the real upload to S3 with that form, the S3 notification (bytes checked,
CandidateApplied and one acknowledgement, or the file deleted and the candidate cv_rejected), HR's candidate
routes and the hire (EmployeeHired naming the candidate, once); who may call what."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest
import requests
from moto.ses.models import ses_backends

from tests.integration.conftest import REGION

ACCOUNT = "123456789012"
HR = ("hr-sub-1", "hr")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
IBAN = "DE89 3704 0044 0532 0130 00"


def _form(**changes: Any) -> dict[str, Any]:
    form = {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "position": "Compiler Engineer",
        "message": "I wrote the first compiler.",
        "links": ["https://github.com/grace"],
        "cv": {"filename": "grace-cv.pdf", "content_type": "application/pdf", "size": len(PDF)},
    }
    return form | changes


HIRE_TERMS = {
    "country": "DE",
    "hire_date": "2027-01-04",
    "base_salary": "5200.00",
    "position": "Compiler Engineer",
    "department": "Engineering",
    "cost_centre": "CC-100",
    "iban": IBAN,
    "bic": "COBADEFFXXX",
}


@pytest.fixture
def apply(stack, sample):
    """POST /forms/job-application (no token) -> (status, body)."""

    def send(body: dict[str, Any]) -> tuple[int, Any]:
        event = copy.deepcopy(sample("hr_job_application/submit_job_application"))
        event["body"] = json.dumps(body)
        response = stack.call("HrJobApplicationFunction", event)
        return response["statusCode"], json.loads(response["body"])

    return send


@pytest.fixture
def call(stack, sample):
    """HrCandidatesApiFunction: (method, path, body, who) -> (status, body); ``who`` None: no token."""

    def send(method: str, path: str, body: Any = None, who: tuple | None = HR, **query: str):
        event = copy.deepcopy(sample("hr_candidates_api/hire_candidate"))
        event.update(httpMethod=method, path=path, resource=path, body=None if body is None else json.dumps(body))
        event["requestContext"].update(httpMethod=method, path=f"/prod{path}", resourcePath=path)
        event["pathParameters"] = None
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        if who is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("Authorization", None)
        else:
            sub, group = who
            event["requestContext"]["authorizer"]["claims"].update(
                {"sub": sub, "cognito:username": sub, "cognito:groups": group}
            )
        response = stack.call("HrCandidatesApiFunction", event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return send


def _upload(accepted: dict[str, Any], content: bytes, content_type: str = "application/pdf") -> requests.Response:
    """What the browser does with the form's answer: a multipart POST straight to S3, the file last."""
    upload = accepted["upload"]
    return requests.post(upload["url"], data=upload["fields"], files={"file": ("cv.pdf", content, content_type)})


def _notify(stack, sample, key: str, *, encoded: bool = False) -> dict[str, Any]:
    """S3's ObjectCreated notification for the object now stored under ``key`` (its current version); S3 sends
    keys URL-encoded (``encoded``: as moto does, "/" too)."""
    s3 = boto3.client("s3", region_name=REGION)
    bucket = stack.physical["HrDocumentsBucket"]
    head = s3.head_object(Bucket=bucket, Key=key)
    event = copy.deepcopy(sample("hr_on_cv_uploaded/cv_uploaded"))
    record = event["Records"][0]["s3"]
    record["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    record["object"].update(
        key=quote_plus(key) if encoded else key, size=head["ContentLength"], versionId=head.get("VersionId")
    )
    return stack.call("HrOnCvUploadedFunction", event)


def _outbox(stack, event_type: str) -> list[dict[str, Any]]:
    details = [json.loads(i["detail"]) for i in stack.items("HrTable") if str(i["PK"]).startswith("OUTBOX#")]
    return [d for d in details if d["metadata"]["event_type"] == event_type]


def _candidates(stack) -> list[dict[str, Any]]:
    return [i for i in stack.items("HrTable") if i.get("type") == "candidate"]


def _sent() -> list[Any]:
    return ses_backends[ACCOUNT][REGION].sent_messages


def _versions(stack, key: str) -> list[dict[str, Any]]:
    listed = boto3.client("s3", region_name=REGION).list_object_versions(
        Bucket=stack.physical["HrDocumentsBucket"], Prefix=key
    )
    return listed.get("Versions", []) + listed.get("DeleteMarkers", [])


@pytest.fixture
def applied(stack, sample, apply) -> dict[str, Any]:
    """Grace applied: the form, the upload and its notification."""
    status, accepted = apply(_form())
    assert status == 202, accepted
    assert _upload(accepted, PDF).status_code == 204
    assert _notify(stack, sample, accepted["upload"]["fields"]["key"]) == {"outcomes": ["accepted"]}
    return accepted


def test_the_form_stores_the_candidate_awaiting_the_cv_and_answers_a_presigned_post(stack, apply):
    status, accepted = apply(_form())
    assert status == 202 and accepted["status"] == "awaiting_cv"
    fields = accepted["upload"]["fields"]
    assert fields["key"].startswith(f"cv/{accepted['candidate_id']}/")
    assert fields["Content-Type"] == "application/pdf" and "policy" in fields
    policy = json.loads(__import__("base64").b64decode(fields["policy"]))
    assert ["content-length-range", 1, 5 * 1024 * 1024] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    [candidate] = _candidates(stack)
    assert candidate["status"] == "awaiting_cv" and candidate["id"] == accepted["candidate_id"]
    assert _outbox(stack, "CandidateApplied") == [] and _sent() == []


def test_an_accepted_upload_applies_the_candidate_once_with_one_event_and_one_email(stack, sample, applied):
    [candidate] = _candidates(stack)
    assert candidate["status"] == "applied"
    [event] = _outbox(stack, "CandidateApplied")
    assert event["data"]["candidate_id"] == applied["candidate_id"] and event["data"]["has_cv"] is True
    assert "grace" not in json.dumps(event).lower()  # no name, no email on the bus
    [mail] = _sent()
    raw = mail.raw_data if isinstance(mail.raw_data, str) else mail.raw_data.decode()
    assert set(mail.destinations) == {"grace@example.com"}
    assert "Auto-Submitted: auto-generated" in raw and "Compiler Engineer" in raw
    # S3 delivers at least once: the same notification again changes nothing and mails nobody.
    assert _notify(stack, sample, applied["upload"]["fields"]["key"]) == {"outcomes": ["repeated"]}
    assert len(_outbox(stack, "CandidateApplied")) == 1 and len(_sent()) == 1


def test_a_url_encoded_key_in_the_notification_is_the_same_key(stack, sample, apply):
    _, accepted = apply(_form())
    _upload(accepted, PDF)
    assert _notify(stack, sample, accepted["upload"]["fields"]["key"], encoded=True) == {"outcomes": ["accepted"]}


@pytest.mark.parametrize(
    ("cv", "field", "reason"),
    [
        ({"filename": "cv.exe", "content_type": "application/x-msdownload", "size": 100}, "cv.content_type", "PDF"),
        ({"filename": "cv.exe", "content_type": "application/pdf", "size": 100}, "cv.filename", ".pdf"),
        ({"filename": "cv.pdf", "content_type": "application/pdf", "size": 5 * 1024 * 1024 + 1}, "cv.size", "5 MB"),
        ({"filename": "cv.pdf", "content_type": "application/pdf", "size": 0}, "cv.size", "empty"),
    ],
)
def test_a_declared_cv_of_the_wrong_type_name_or_size_is_422_naming_the_field_and_stores_nothing(
    stack, apply, cv, field, reason
):
    status, body = apply(_form(cv=cv))
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == field and reason in body["error"]["details"][0]["message"]
    assert stack.items("HrTable") == []


def test_a_filled_honeypot_answers_the_same_and_stores_nothing_and_its_upload_is_deleted(stack, sample, apply):
    status, accepted = apply(_form(website="http://spam.example"))
    assert status == 202 and accepted["status"] == "awaiting_cv" and "url" in accepted["upload"]
    assert stack.items("HrTable") == []
    key = accepted["upload"]["fields"]["key"]
    assert _upload(accepted, PDF).status_code == 204
    assert _notify(stack, sample, key) == {"outcomes": ["unexpected"]}
    assert _versions(stack, key) == [] and _sent() == []


def test_an_html_page_called_cv_pdf_is_refused_deleted_and_the_candidate_marked_cv_rejected(stack, sample, apply, call):
    status, accepted = apply(_form(cv={"filename": "cv.pdf", "content_type": "application/pdf", "size": len(HTML)}))
    assert status == 202
    key = accepted["upload"]["fields"]["key"]
    assert _upload(accepted, HTML).status_code == 204
    assert _notify(stack, sample, key) == {"outcomes": ["refused"]}
    assert _versions(stack, key) == []  # removed for good, no noncurrent version kept
    status, candidate = call("GET", f"/candidates/{accepted['candidate_id']}")
    assert (status, candidate["status"]) == (200, "cv_rejected")
    assert "not a PDF" in candidate["cv_refusal"]
    assert _outbox(stack, "CandidateApplied") == [] and _sent() == []
    status, body = call("POST", f"/candidates/{accepted['candidate_id']}/hire", HIRE_TERMS)
    assert status == 409 and body["error"]["code"] == "candidate_has_no_cv" and "refused" in body["error"]["message"]
    assert call("GET", f"/candidates/{accepted['candidate_id']}/cv")[0] == 404


def test_hiring_a_candidate_creates_the_employee_with_employee_hired_and_marks_the_candidate_hired(
    stack, applied, call
):
    candidate_id = applied["candidate_id"]
    status, employee = call("POST", f"/candidates/{candidate_id}/hire", HIRE_TERMS)
    assert status == 201, employee
    assert (employee["name"], employee["email"], employee["base_salary"]) == (
        "Grace Hopper",
        "grace@example.com",
        "5200.00",
    )
    [hired] = _outbox(stack, "EmployeeHired")
    assert hired["data"]["candidate_id"] == candidate_id and hired["data"]["employee_id"] == employee["id"]
    assert "DE89370400440532013000" not in json.dumps(hired)
    status, candidate = call("GET", f"/candidates/{candidate_id}")
    assert (candidate["status"], candidate["employee_id"]) == ("hired", employee["id"])
    status, again = call("POST", f"/candidates/{candidate_id}/hire", HIRE_TERMS)
    assert status == 409 and again["error"]["code"] == "candidate_already_decided"
    assert len(_outbox(stack, "EmployeeHired")) == 1


def test_hiring_before_the_cv_arrived_is_409_and_an_invalid_iban_422_with_nothing_written(stack, apply, call):
    _, accepted = apply(_form())
    status, body = call("POST", f"/candidates/{accepted['candidate_id']}/hire", HIRE_TERMS)
    assert status == 409 and "never arrived" in body["error"]["message"]
    status, body = call("POST", f"/candidates/{accepted['candidate_id']}/hire", HIRE_TERMS | {"iban": "DE00 1234"})
    assert status == 422 and body["error"]["details"][0]["field"] == "iban"
    assert [i["type"] for i in stack.items("HrTable")] == ["candidate"]


def test_hr_lists_candidates_newest_first_reads_one_and_gets_a_working_cv_link(stack, sample, apply, applied, call):
    _, second = apply(_form(name="Alan Turing", email="alan@example.com"))
    status, page = call("GET", "/candidates", limit="1")
    assert status == 200 and [c["name"] for c in page["items"]] == ["Alan Turing"]
    status, rest = call("GET", "/candidates", limit="1", next_token=page["next_token"])
    assert [c["id"] for c in rest["items"]] == [applied["candidate_id"]]
    status, link = call("GET", f"/candidates/{applied['candidate_id']}/cv")
    assert status == 200 and link["file_name"] == "grace-cv.pdf" and link["expires_in"] == 300
    downloaded = requests.get(link["url"])
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert call("GET", f"/candidates/{second['candidate_id']}/cv")[0] == 404  # not uploaded yet


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/candidates", None),
        ("GET", "/candidates/{id}", None),
        ("GET", "/candidates/{id}/cv", None),
        ("POST", "/candidates/{id}/hire", HIRE_TERMS),
    ],
)
def test_only_hr_reaches_the_candidate_routes(applied, call, method, path, body):
    path = path.format(id=applied["candidate_id"])
    assert call(method, path, body, who=None)[0] == 401
    for group in ("sales", "payroll", "employee", "customer"):
        assert call(method, path, body, who=(f"{group}-sub", group))[0] == 403, group
    assert call(method, path, body)[0] in (200, 201)


def test_an_unknown_candidate_is_404(call):
    unknown = "00000000-0000-4000-8000-000000000000"
    assert call("GET", f"/candidates/{unknown}")[0] == 404
    assert call("POST", f"/candidates/{unknown}/hire", HIRE_TERMS)[0] == 404
