"""The outputs' adapters on fake clients: the KMS opener refuses what is not this employee's seal and retries
nothing itself, the mailer lists a bad address instead of failing the step, the document store's keys."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from tandem.payroll.adapters.kms import KmsBankDetails
from tandem.payroll.adapters.s3 import bank_file_key, payslip_key
from tandem.payroll.adapters.ses import SesPayslipMailer
from tandem.payroll.domain.errors import InvalidBankDetails, MailNotSent
from tandem.payroll.domain.mail import PayslipMail
from tandem.payroll.saga import actions
from tandem.shared.errors import ServiceUnavailable
from tandem.shared.saga import UnknownSagaAction

EMPLOYEE = "00000000-0000-4000-8000-000000000001"


def _error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Decrypt")


class FakeKms:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def decrypt(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if isinstance(self.answer, Exception):
            raise self.answer
        return {"Plaintext": self.answer}


def test_the_opener_asks_kms_with_the_employee_s_encryption_context():
    kms = FakeKms(json.dumps({"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}).encode())
    opened = KmsBankDetails("key-1", kms).open(EMPLOYEE, base64.b64encode(b"ciphertext").decode())
    assert opened == ("DE89370400440532013000", "COBADEFFXXX")
    [call] = kms.calls
    assert call["EncryptionContext"] == {"purpose": "bank-details", "employee_id": EMPLOYEE}
    assert call["CiphertextBlob"] == b"ciphertext" and call["KeyId"] == "key-1"


def test_an_account_without_bic_opens_with_none():
    kms = FakeKms(json.dumps({"iban": "DE89370400440532013000", "bic": None}).encode())
    assert KmsBankDetails("k", kms).open(EMPLOYEE, base64.b64encode(b"c").decode())[1] is None


@pytest.mark.parametrize("sealed", ["not base64 !", "%%%"])
def test_a_sealed_value_that_is_not_base64_is_refused_naming_the_employee(sealed):
    with pytest.raises(InvalidBankDetails) as refused:
        KmsBankDetails("k", FakeKms(b"{}")).open(EMPLOYEE, sealed)
    assert EMPLOYEE in str(refused.value) and refused.value.details["field"] == "bank_account"


def test_another_employee_s_seal_is_refused_and_kms_unavailable_is_transient():
    sealed = base64.b64encode(b"c").decode()
    with pytest.raises(InvalidBankDetails):
        KmsBankDetails("k", FakeKms(_error("InvalidCiphertextException", 400))).open(EMPLOYEE, sealed)
    with pytest.raises(ServiceUnavailable):
        KmsBankDetails("k", FakeKms(_error("ThrottlingException", 400))).open(EMPLOYEE, sealed)


class FakeSes:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[dict[str, Any]] = []

    def send_email(self, **kwargs: Any) -> Any:
        if self.error:
            raise self.error
        self.sent.append(kwargs)
        return {"MessageId": "m-1"}


def _mail(to: str) -> PayslipMail:
    return PayslipMail(to, "Your payslip for December 2026", "Hello", "payslip-2026-12.pdf", b"%PDF-1.4")


def test_a_payslip_mail_is_sent_raw_with_its_pdf():
    ses = FakeSes()
    SesPayslipMailer("payroll@tandem.example", ses).send(_mail("ada@tandem.example"))
    [sent] = ses.sent
    assert sent["Destination"] == {"ToAddresses": ["ada@tandem.example"]}
    assert b"application/pdf" in sent["Content"]["Raw"]["Data"]


@pytest.mark.parametrize("to", ["not an address", "ada@tandem.example\nBcc: all@tandem.example"])
def test_an_address_that_could_add_a_header_or_is_not_one_is_not_sent(to):
    ses = FakeSes()
    with pytest.raises(MailNotSent):
        SesPayslipMailer("payroll@tandem.example", ses).send(_mail(to))
    assert ses.sent == []


def test_ses_refusing_one_mail_is_listed_and_ses_throttling_is_retried():
    with pytest.raises(MailNotSent):
        SesPayslipMailer("p@tandem.example", FakeSes(_error("MessageRejected", 400))).send(_mail("a@tandem.example"))
    with pytest.raises(ServiceUnavailable):
        SesPayslipMailer("p@tandem.example", FakeSes(_error("TooManyRequestsException", 429))).send(
            _mail("a@tandem.example")
        )


def test_documents_live_under_keys_made_of_the_run_and_the_employee():
    assert bank_file_key("r-1") == "runs/r-1/bank-file.xml"
    assert payslip_key("r-1", EMPLOYEE) == f"payslips/r-1/{EMPLOYEE}.pdf"


def test_output_actions_validate_their_input_before_anything_runs():
    saga = actions(service=None)  # type: ignore[arg-type]  # nothing reaches the service
    with pytest.raises(Exception) as no_batch:
        saga.dispatch({"action": "issue_payslips", "run_id": "r1"})
    assert type(no_batch.value).__name__ == "InvalidSagaInput"
    with pytest.raises(Exception) as no_run:
        saga.dispatch({"action": "write_bank_file"})
    assert type(no_run.value).__name__ == "InvalidSagaInput"
    with pytest.raises(UnknownSagaAction):
        saga.dispatch({"action": "pay_everyone_twice", "run_id": "r1"})
