"""Sales' SES and Step Functions adapters: throttling and 5xx are ServiceUnavailable (retried), the rest is not."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from tandem.sales.adapters.ses import MailNotSent, SesMailer
from tandem.sales.adapters.stepfunctions import StepFunctionsTasks
from tandem.sales.domain.notices import ClosureNotice
from tandem.shared.errors import ServiceUnavailable

NOTICE = ClosureNotice(to="ada@example.com", subject="Your order was cancelled", text="Hello")


def _error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Operation"
    )


class Failing:
    """A client whose every call raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def call(**_: Any) -> Any:
            raise self.error

        return call


TRANSIENT = [
    _error("ThrottlingException", 400),
    _error("TooManyRequestsException", 429),
    _error("InternalFailure", 500),
    _error("ServiceUnavailable", 503),
    EndpointConnectionError(endpoint_url="https://states.eu-central-1.amazonaws.com"),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__ + str(getattr(e, "response", "")))
def test_step_functions_throttled_or_failing_is_service_unavailable_by_that_exact_name(error):
    tasks = StepFunctionsTasks(Failing(error))

    for call in (lambda: tasks.succeed("t", {}), lambda: tasks.fail("t", "OrderCancelled", "{}")):
        with pytest.raises(ServiceUnavailable) as raised:
            call()
        assert type(raised.value).__name__ == "ServiceUnavailable"  # what the state machine retries


@pytest.mark.parametrize("code", ["TaskDoesNotExist", "TaskTimedOut", "InvalidToken"])
def test_a_token_nobody_waits_on_is_not_an_error(code):
    assert StepFunctionsTasks(Failing(_error(code, 400))).succeed("t", {}) is False


def test_other_step_functions_client_errors_stay_errors():
    with pytest.raises(ClientError):
        StepFunctionsTasks(Failing(_error("AccessDeniedException", 400))).succeed("t", {})


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__ + str(getattr(e, "response", "")))
def test_ses_throttled_or_failing_is_service_unavailable(error):
    with pytest.raises(ServiceUnavailable) as raised:
        SesMailer("hello@tandem.example", Failing(error)).send(NOTICE)

    assert type(raised.value).__name__ == "ServiceUnavailable"


def test_a_message_ses_rejects_is_mail_not_sent_not_retried_as_transient():
    with pytest.raises(MailNotSent):
        SesMailer("hello@tandem.example", Failing(_error("MessageRejected", 400))).send(NOTICE)
