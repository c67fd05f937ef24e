"""The run's outputs after posting under moto: the SEPA bank file (the sealed accounts opened with KMS under the
employee's encryption context), the payslip PDFs issued with ``PayslipIssued`` and one mail each, retried steps
that write and send nothing twice, and the routes that serve the documents (with their RBAC matrix)."""

from __future__ import annotations

import base64
import copy
import email
import json
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

import boto3
import pytest
from moto.ses.models import ses_backends

from tests.integration.conftest import REGION
from tests.integration.test_payroll_run import (  # noqa: F401 - structure: a fixture, used below
    ADA_SUB,
    APPROVER,
    LATE,
    UNPAID,
    WHOLE,
    _api,
    _calculated_run,
    _hr,
    _outbox,
    _task,
    structure,
)

pytestmark = pytest.mark.usefixtures("structure")  # the demo structure, as the default
ACCOUNT = "123456789012"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBANS = {WHOLE: "DE89370400440532013000", LATE: "FR1420041010050500013M02606", UNPAID: "GB29NWBK60161331926819"}
BEN_SUB = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a"


def _seal(stack, employee_id: str, iban: str, bic: str | None = None) -> str:
    """What HR's KmsBankDetailsSealer puts on EmployeeHired: KMS ciphertext under the employee's context."""
    kms = boto3.client("kms", region_name=REGION)
    blob = kms.encrypt(
        KeyId=stack.physical["BankDetailsKey"],
        Plaintext=json.dumps({"iban": iban, "bic": bic}).encode(),
        EncryptionContext={"purpose": "bank-details", "employee_id": employee_id},
    )["CiphertextBlob"]
    return base64.b64encode(blob).decode()


def _hire(stack, sample, number: int, **data):
    """``EmployeeHired`` with ``data`` over the sample's (``_hr`` takes the sample's name as a parameter)."""
    event = copy.deepcopy(sample("payroll_on_hr_event/employee_hired"))
    event["detail"]["metadata"]["event_id"] = f"e0000000-0000-4000-8000-{number:012d}"
    event["detail"]["data"].update(data)
    return stack.call("PayrollOnHrEventFunction", event)


def _sealed_staff(stack, sample, *, late_email: str = "ben@tandem.example") -> None:
    _hire(stack, sample, 1, employee_id=WHOLE, user_sub=ADA_SUB,
        bank_account_sealed=_seal(stack, WHOLE, IBANS[WHOLE], "COBADEFFXXX"))  # fmt: skip
    _hire(stack, sample, 2, employee_id=LATE, hire_date="2026-12-16", user_sub=BEN_SUB,
        name="Ben Okafor", email=late_email, bank_account_sealed=_seal(stack, LATE, IBANS[LATE]))  # fmt: skip
    _hire(stack, sample, 3, employee_id=UNPAID, user_sub=None, name="Clara Weiss",
        email="clara@tandem.example", bank_account_sealed=_seal(stack, UNPAID, IBANS[UNPAID]))  # fmt: skip
    _hr(stack, sample, "leave_approved", 4, employee_id=UNPAID)


def _posted_run(stack, sample) -> str:
    run_id = _calculated_run(stack, sample)
    assert _api(stack, sample, "POST", f"/payroll/runs/{run_id}/approve", sub=APPROVER)[0] == 200
    assert _task(stack, "post", run_id)["status"] == "posted"
    return run_id


def _outputs(stack, action: str, run_id: str, **extra):
    return stack.call("PayrollRunOutputsFunction", {"action": action, "run_id": run_id, **extra})


def _get(
    stack, sample, path: str, *, sub=APPROVER, groups: str | None = "payroll", function="PayrollDocumentsApiFunction"
):
    """A GET of a document route, with the resource template and path parameters API Gateway would give."""
    event = copy.deepcopy(sample("payroll_api/start_payroll_run"))
    parts = path.strip("/").split("/")
    names = {("payroll", 2): "run_id", ("payroll", 4): "employee_id", ("me", 2): "id"}
    params = {names[(parts[0], i)]: p for i, p in enumerate(parts) if (parts[0], i) in names}
    resource = "/" + "/".join(
        "{" + names[(parts[0], i)] + "}" if (parts[0], i) in names else p for i, p in enumerate(parts)
    )
    event.update(httpMethod="GET", path=path, resource=resource, pathParameters=params, body=None)
    event["headers"] = {**(event.get("headers") or {}), "Accept": "application/pdf"}
    event["requestContext"].update(httpMethod="GET", resourcePath=resource)
    event["requestContext"]["authorizer"]["claims"].update(
        {"sub": sub, "cognito:username": sub, "cognito:groups": groups}
    )
    if groups is None:
        event["requestContext"]["authorizer"] = None
    response = stack.call(function, event)
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return response["statusCode"], response.get("headers") or response.get("multiValueHeaders") or {}, raw


def _versions(stack, key: str) -> int:
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_object_versions(Bucket=stack.physical["PayrollDocumentsBucket"], Prefix=key)
    return len(listed.get("Versions", []))


def _mails() -> list:
    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def test_the_bank_file_pays_each_employee_their_net_once_and_a_retry_writes_nothing_new(stack, sample):
    _sealed_staff(stack, sample)
    run_id = _posted_run(stack, sample)
    assert _get(stack, sample, f"/payroll/runs/{run_id}/bank-file")[0] == 409  # posted, file not written yet

    first = _outputs(stack, "write_bank_file", run_id)
    assert first["bank_file_key"] == f"runs/{run_id}/bank-file.xml"
    assert _outputs(stack, "write_bank_file", run_id) == first  # a retried step finds the key on the run
    assert _versions(stack, first["bank_file_key"]) == 1

    status, headers, document = _get(stack, sample, f"/payroll/runs/{run_id}/bank-file")
    assert status == 200 and "application/xml" in str(headers)
    from sepaxml.validation import try_valid_xml

    try_valid_xml(document, "pain.001.001.03")  # the schema the bank checks
    root = ET.fromstring(document)
    transactions = root.findall(".//p:CdtTrfTxInf", NS)
    _, page = _api(stack, sample, "GET", f"/payroll/runs/{run_id}/payslips")
    nets = {s["employee_id"]: Decimal(s["net"]) for s in page["items"]}
    paid = {
        t.find("p:CdtrAcct/p:Id/p:IBAN", NS).text: Decimal(t.find("p:Amt/p:InstdAmt", NS).text) for t in transactions
    }
    assert paid == {IBANS[eid]: net for eid, net in nets.items()}
    assert Decimal(root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", NS).text) == sum(nets.values())
    assert root.find("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", NS).text == "3"
    assert b"DE89370400440532013000" in document  # the debtor: the template's PayrollDebtorIban


def test_a_seal_copied_onto_another_employee_does_not_open_and_no_file_is_written(stack, sample):
    _sealed_staff(stack, sample)
    run_id = _posted_run(stack, sample)
    # a ciphertext sealed for LATE, stored on WHOLE (as a bug or a tampered item would): KMS refuses it
    table = boto3.client("dynamodb", region_name=REGION)
    item = table.get_item(
        TableName=stack.physical["PayrollTable"], Key={"PK": {"S": f"EMP#{WHOLE}"}, "SK": {"S": "EMP"}}
    )
    doc = json.loads(item["Item"]["doc"]["S"])
    doc["bank_account_sealed"] = _seal(stack, LATE, IBANS[LATE])  # sealed for LATE, stored on WHOLE
    item["Item"]["doc"]["S"] = json.dumps(doc)
    table.put_item(TableName=stack.physical["PayrollTable"], Item=item["Item"])

    with pytest.raises(Exception) as refused:
        _outputs(stack, "write_bank_file", run_id)
    assert type(refused.value).__name__ == "InvalidBankDetails" and WHOLE in str(refused.value)
    assert _versions(stack, f"runs/{run_id}/bank-file.xml") == 0
    assert _get(stack, sample, f"/payroll/runs/{run_id}/bank-file")[0] == 409


def test_payslips_are_issued_and_mailed_once_each_even_when_the_step_is_retried(stack, sample):
    _sealed_staff(stack, sample)
    run_id = _posted_run(stack, sample)
    issued_at_compute = len(_outbox(stack, "PayslipIssued"))

    result = _outputs(stack, "issue_payslips", run_id, batch=1)
    assert result == {"batch": 1, "issued": 3, "mailed": 3, "not_mailed": []}
    assert _outputs(stack, "issue_payslips", run_id, batch=1) == {
        "batch": 1,
        "issued": 0,
        "mailed": 0,
        "not_mailed": [],
    }

    # one more per employee, whatever the compute step still records (it stops at merge: a slip is issued here)
    issued = _outbox(stack, "PayslipIssued")
    assert len(issued) == issued_at_compute + 3
    assert Counter(e["employee_id"] for e in issued) == {
        eid: 1 + issued_at_compute // 3 for eid in (WHOLE, LATE, UNPAID)
    }
    assert {e["run_id"] for e in issued} == {run_id}
    messages = [email.message_from_string(m.raw_data) for m in _mails()]
    assert sorted(m["To"] for m in messages) == ["ada@tandem.example", "ben@tandem.example", "clara@tandem.example"]
    for message in messages:
        [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert (
            pdf.get_payload(decode=True).startswith(b"%PDF") and message["Subject"] == "Your payslip for December 2026"
        )
    slips = {i["employee_id"]: i for i in stack.items("PayrollTable") if i["type"] == "payslip"}
    assert {eid: (s["mail"], s["pdf_key"]) for eid, s in slips.items()} == {
        eid: ("sent", f"payslips/{run_id}/{eid}.pdf") for eid in (WHOLE, LATE, UNPAID)
    }
    for eid in (WHOLE, LATE, UNPAID):
        assert _versions(stack, f"payslips/{run_id}/{eid}.pdf") == 1


def test_an_address_that_cannot_be_mailed_is_listed_and_the_others_are_mailed(stack, sample):
    _sealed_staff(stack, sample, late_email="not an address")
    run_id = _posted_run(stack, sample)

    result = _outputs(stack, "issue_payslips", run_id, batch=1)
    assert result["issued"] == 3 and result["mailed"] == 2
    [listed] = result["not_mailed"]
    assert listed["employee_id"] == LATE and "address" in listed["reason"]
    assert _outputs(stack, "issue_payslips", run_id, batch=1)["mailed"] == 0  # refused once, not retried


def test_outputs_refuse_a_run_that_is_not_posted(stack, sample):
    _sealed_staff(stack, sample)
    run_id = _calculated_run(stack, sample)
    for action, extra in (("write_bank_file", {}), ("issue_payslips", {"batch": 1})):
        with pytest.raises(Exception) as refused:
            _outputs(stack, action, run_id, **extra)
        assert type(refused.value).__name__ == "PayrollRunTransitionRefused"
    with pytest.raises(Exception) as unknown:
        _outputs(stack, "snapshot", run_id)  # the compute steps belong to payroll_run_task
    assert type(unknown.value).__name__ == "UnknownSagaAction"


def test_who_may_read_the_documents(stack, sample):
    _sealed_staff(stack, sample)
    run_id = _posted_run(stack, sample)
    _outputs(stack, "write_bank_file", run_id)
    _outputs(stack, "issue_payslips", run_id, batch=1)
    bank_file, whole_pdf = f"/payroll/runs/{run_id}/bank-file", f"/payroll/runs/{run_id}/payslips/{WHOLE}/pdf"
    for path in (bank_file, whole_pdf):
        assert _get(stack, sample, path)[0] == 200
        assert _get(stack, sample, path, groups=None)[0] == 401
        assert _get(stack, sample, path, groups="sales")[0] == 403
        assert _get(stack, sample, path, sub=ADA_SUB, groups="employee")[0] == 403
    assert _get(stack, sample, whole_pdf)[2].startswith(b"%PDF")
    assert _get(stack, sample, "/payroll/runs/00000000-0000-4000-8000-00000000dead/bank-file")[0] == 404
    assert _get(stack, sample, f"/payroll/runs/{run_id}/payslips/00000000-0000-4000-8000-00000000dead/pdf")[0] == 404

    me = dict(function="PayrollSelfApiFunction", groups="employee")
    status, _, pdf = _get(stack, sample, f"/me/payslips/{run_id}/pdf", sub=ADA_SUB, **me)
    assert status == 200 and pdf.startswith(b"%PDF")
    assert _get(stack, sample, f"/me/payslips/{run_id}/pdf", sub=BEN_SUB, **me)[2].startswith(b"%PDF")  # his own
    assert _get(stack, sample, f"/me/payslips/{run_id}/pdf", sub="someone-unlinked", **me)[0] == 404
    assert _get(stack, sample, "/me/payslips/00000000-0000-4000-8000-00000000dead/pdf", sub=ADA_SUB, **me)[0] == 404
    assert (
        _get(
            stack, sample, f"/me/payslips/{run_id}/pdf", sub=ADA_SUB, function="PayrollSelfApiFunction", groups="sales"
        )[0]
        == 403
    )
    assert (
        _get(stack, sample, f"/me/payslips/{run_id}/pdf", sub=ADA_SUB, function="PayrollSelfApiFunction", groups=None)[
            0
        ]
        == 401
    )


def test_a_run_that_pays_nobody_writes_no_bank_file_and_says_why(stack, sample):
    """The same period again after everyone was paid: approved and posted with nothing in it, the bank-file step
    passes (a pain.001 needs a transfer) and GET answers 409 naming the reason, instead of failing the run."""
    _sealed_staff(stack, sample)
    _posted_run(stack, sample)
    empty = _posted_run(stack, sample)

    assert _outputs(stack, "write_bank_file", empty).get("bank_file_key") is None
    status, _, body = _get(stack, sample, f"/payroll/runs/{empty}/bank-file")
    error = json.loads(body)["error"]
    assert status == 409 and error["code"] == "bank_file_not_ready" and error["details"]["nothing_to_pay"] is True
    assert error["message"] == "The run pays nobody: it has no bank file"
