"""Side effects outside SalesTable: customer mail (SES v2) and the saga's task tokens (Step Functions)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from tandem.sales.domain.notices import ClosureNotice
from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.aws.transient import is_transient, unavailable

# Step Functions' answers for a token nobody waits on any more (completed, timed out, execution over).
# Telling it twice is what an idempotent consumer does on a redelivery: not an error.
_GONE = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})


class MailNotSent(Exception):
    """SES refused the message for good (not throttling: that is ``ServiceUnavailable``); a logged failure."""


class SesMailer:
    def __init__(self, sender: str, client: Any) -> None:
        self.sender = sender
        self.client = client

    def send(self, message: ClosureNotice) -> str:
        """Send a plain-text email (no HTML part: nothing typed by anyone becomes markup). SES throttled or
        failing: ``ServiceUnavailable``; refused: ``MailNotSent``."""
        try:
            response = self.client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [message.to]},
                Content={"Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
                }},
            )
        except ClientError as exc:
            if is_transient(exc):
                raise unavailable("ses", exc) from exc
            raise MailNotSent(exc.response.get("Error", {}).get("Code", "SES error")) from exc
        except TRANSIENT_TRANSPORT_ERRORS as exc:
            raise unavailable("ses", exc) from exc
        return str(response["MessageId"])


class StepFunctionsTasks:
    """Completes or fails a waiting saga task by its token."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def succeed(self, token: str, output: dict[str, Any]) -> bool:
        """True if the task was waiting; False if it was already over."""
        return self._call("send_task_success", taskToken=token, output=json.dumps(output))

    def fail(self, token: str, error: str, cause: str) -> bool:
        return self._call("send_task_failure", taskToken=token, error=error, cause=cause[:32768])

    def _call(self, operation: str, **arguments: Any) -> bool:
        """False: the token is gone. Throttled / failing: ``ServiceUnavailable`` (retried); any other
        client error (access denied, a malformed request) propagates: a bug, not weather."""
        try:
            getattr(self.client, operation)(**arguments)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _GONE:
                return False
            if is_transient(exc):
                raise unavailable("states", exc) from exc
            raise
        except TRANSIENT_TRANSPORT_ERRORS as exc:
            raise unavailable("states", exc) from exc
        return True
