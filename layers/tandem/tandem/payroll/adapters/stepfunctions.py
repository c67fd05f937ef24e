"""Answers the payroll run's WaitForApproval task: the only place payroll calls Step Functions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from tandem.shared.aws import bootstrap
from tandem.shared.aws.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient  # type: ignore[import-not-found]  # stubs not installed

# The token is spent (answered already, or the wait timed out): a repeated approve changes nothing more.
SPENT_TOKEN_ERRORS = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})


class StepFunctionsTaskTokens:
    """``client``: given (tests) or the cached one looked up at each call (a fresh moto gets a fresh client)."""

    def __init__(self, client: SFNClient | None = None) -> None:
        self._client = client

    @property
    def client(self) -> SFNClient:
        return self._client or bootstrap.client("stepfunctions")

    def succeed(self, token: str, output: dict[str, object]) -> None:
        self._answer(lambda: self.client.send_task_success(taskToken=token, output=json.dumps(output)))

    def fail(self, token: str, error: str, cause: str) -> None:
        self._answer(lambda: self.client.send_task_failure(taskToken=token, error=error, cause=cause))

    @staticmethod
    def _answer(call: Callable[[], object]) -> None:
        try:
            with storage_errors("SendTask"):  # throttling and faults: 503, try again
                call()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in SPENT_TOKEN_ERRORS:
                raise
