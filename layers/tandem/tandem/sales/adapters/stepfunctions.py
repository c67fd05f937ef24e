"""The saga's waiting tasks, completed or failed by their token (Step Functions)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from tandem.shared.aws.bootstrap import client as cached_client
from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.aws.transient import is_transient, unavailable

# Step Functions' answers for a token nobody waits on any more (completed, timed out, execution over).
# Telling it twice is what an idempotent consumer does on a redelivery: not an error.
_GONE = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})


class StepFunctionsTasks:
    """Completes or fails a waiting saga task by its token."""

    def __init__(self, client: Any = None) -> None:
        """``client``: a ``stepfunctions`` client; None: the function's cached one, looked up at each call."""
        self.client = client

    def succeed(self, token: str, output: dict[str, str]) -> bool:
        """True if the task was waiting; False if it was already over."""
        return self._call("send_task_success", taskToken=token, output=json.dumps(output))

    def fail(self, token: str, error: str, cause: str) -> bool:
        return self._call("send_task_failure", taskToken=token, error=error, cause=cause[:32768])

    def _call(self, operation: str, **arguments: str) -> bool:
        """False: the token is gone. Throttled / failing: ``ServiceUnavailable`` (retried); any other
        client error (access denied, a malformed request) propagates: a bug, not weather."""
        client = self.client if self.client is not None else cached_client("stepfunctions")
        try:
            getattr(client, operation)(**arguments)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _GONE:
                return False
            if is_transient(exc):
                raise unavailable("states", exc) from exc
            raise
        except TRANSIENT_TRANSPORT_ERRORS as exc:
            raise unavailable("states", exc) from exc
        return True
