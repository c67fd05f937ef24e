"""SES and S3 failures: throttling / 5xx / timeouts are ServiceUnavailable (the state machine retries
that exact name), permanent refusals are not."""

from __future__ import annotations

import io
from uuid import uuid4

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber
from tandem.billing.adapters.pdf import Seller
from tandem.billing.adapters.s3 import S3Documents
from tandem.billing.adapters.ses import SesMailer
from tandem.billing.domain.crediting import credit
from tandem.billing.domain.errors import DocumentStoreError, MailNotSent
from tandem.billing.domain.mail import order_confirmation, payment_reminder
from tandem.shared.aws import bootstrap
from tandem.shared.errors import ServiceUnavailable

from tests.unit.billing.builders import NOW, invoice

SELLER = Seller("Tandem", "1 Road")


def _ses():
    return boto3.client("sesv2", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")


def _note():
    return credit(invoice(), None, credit_note_id=uuid4(), number="CN-2026-000001", reason="returned", now=NOW)


def _s3():
    return boto3.client("s3", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")


@pytest.mark.parametrize(
    ("code", "status"), [("TooManyRequestsException", 429), ("InternalFailure", 500), ("ServiceUnavailable", 503)]
)
def test_ses_throttling_and_faults_are_service_unavailable_by_that_exact_name(code, status):
    client = _ses()
    with Stubber(client) as stub:
        stub.add_client_error("send_email", code, http_status_code=status)
        with pytest.raises(ServiceUnavailable) as raised:
            SesMailer("billing@example.com", client).send(payment_reminder(invoice(), NOW.date()))
    assert type(raised.value) is ServiceUnavailable and raised.value.details["service"] == "ses"


def test_a_rejected_message_is_a_permanent_mail_error():
    client = _ses()
    with Stubber(client) as stub:
        stub.add_client_error("send_email", "MessageRejected", http_status_code=400)
        with pytest.raises(MailNotSent):
            SesMailer("billing@example.com", client).send(order_confirmation(invoice(), b"%PDF-1.4"))


def test_an_ses_timeout_is_service_unavailable():
    client = _ses()

    def timeout(**_kwargs):
        raise ReadTimeoutError(endpoint_url="https://email")

    client.meta.events.register("before-send.sesv2.SendEmail", timeout)
    with pytest.raises(ServiceUnavailable):
        SesMailer("billing@example.com", client).send(payment_reminder(invoice(), NOW.date()))


def test_an_s3_fault_reading_the_pdf_is_service_unavailable():
    client = _s3()
    with Stubber(client) as stub:
        stub.add_client_error("get_object", "InternalError", http_status_code=500)
        with pytest.raises(ServiceUnavailable):
            S3Documents("docs", client, SELLER).invoice_pdf(invoice())


def test_a_missing_pdf_is_rendered_and_returned_even_if_storing_it_is_throttled():
    client = _s3()
    with Stubber(client) as stub:
        stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        stub.add_client_error("put_object", "SlowDown", http_status_code=503)
        assert S3Documents("docs", client, SELLER).invoice_pdf(invoice()).startswith(b"%PDF")


def test_a_stored_pdf_is_returned_as_stored():
    client = _s3()
    with Stubber(client) as stub:
        stub.add_response("get_object", {"Body": io.BytesIO(b"%PDF-stored")})
        assert S3Documents("docs", client, SELLER).invoice_pdf(invoice()) == b"%PDF-stored"


def test_access_denied_on_put_is_permanent_not_retried():
    client = _s3()
    with Stubber(client) as stub:
        stub.add_client_error("put_object", "AccessDenied", http_status_code=403)
        with pytest.raises(DocumentStoreError):
            S3Documents("docs", client, SELLER).save_credit_note(_note())


def test_billing_clients_fail_well_inside_the_function_timeouts(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    bootstrap.reset()
    config = bootstrap.client("s3").meta.config
    assert config.connect_timeout <= 1 and config.read_timeout <= 3
    assert config.retries["total_max_attempts"] * (config.connect_timeout + config.read_timeout) <= 15
    bootstrap.reset()
