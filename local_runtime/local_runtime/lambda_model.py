"""What a Lambda function and an invocation are: spec, result, context, error shapes."""

from __future__ import annotations

import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# What Lambda's Python runtimes put on sys.path beside the standard library and a function's own code and
# layers (/var/runtime): the AWS SDK and what it imports. Anything else a function imports must ship.
PROVIDED_BY_PYTHON_RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


@dataclass
class FunctionSpec:
    """What the host needs to run one function (from the translated AWS::Lambda::Function)."""

    logical_id: str
    name: str
    arn: str
    handler: str
    code_dir: Path | None
    runtime: str = "python3.13"
    memory_size: int = 128
    timeout: float = 3
    environment: dict[str, str] = field(default_factory=dict)
    layer_dirs: list[Path] = field(default_factory=list)
    event_invoke_config: dict[str, Any] = field(default_factory=dict)
    dead_letter_arn: str | None = None
    reserved_concurrency: int | None = None  # ReservedConcurrentExecutions: at most this many environments
    log_group: str = ""  # LoggingConfig.LogGroup; empty: Lambda's default /aws/lambda/<name>

    @property
    def log_group_name(self) -> str:
        return self.log_group or f"/aws/lambda/{self.name}"

    @property
    def module_file(self) -> Path | None:
        """``app.lambda_handler`` -> <code_dir>/app.py (also ``pkg/mod.fn`` and ``pkg.mod.fn``)."""
        if self.code_dir is None:
            return None
        module_path = self.handler.rsplit(".", 1)[0]
        if "/" not in module_path:
            module_path = module_path.replace(".", "/")
        return self.code_dir / f"{module_path}.py"

    @property
    def function_attr(self) -> str:
        return self.handler.rsplit(".", 1)[-1]


@dataclass
class InvocationResult:
    """Outcome of one invocation, shaped like Lambda's (payload or error object)."""

    payload: Any
    errored: bool
    logs: str
    request_id: str
    duration_ms: float
    function: str


class LambdaContext:
    """The ``context`` argument of a Python Lambda handler."""

    def __init__(self, spec: FunctionSpec, request_id: str, deadline: float, client_context: Any = None) -> None:
        self.aws_request_id = request_id
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = int(spec.memory_size)
        self.log_group_name = spec.log_group_name
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        self.log_stream_name = f"{day}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = client_context
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_payload(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """Lambda's error object: errorType is the exception class name (Retry/Catch match it)."""
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def timeout_payload(timeout: float) -> dict[str, Any]:
    """What Lambda returns for an invocation that ran past the function's Timeout."""
    return {"errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {float(timeout):.2f} seconds"}


def not_found_payload(name: str) -> dict[str, Any]:
    """Lambda's answer for a function that does not exist (here: one the runtime does not run)."""
    return {"errorType": "ResourceNotFoundException", "errorMessage": f"Function not found: {name}"}
