"""Run Lambda handlers in-process, each with its own environment, context and logs.

Why: importing the handler once and calling it is ~1000x faster than a container, keeps
tracebacks and debuggers working, and allows hot reload. moto's Lambda is bridged to this
host (``lambda_bridge``) so ``boto3 lambda.invoke`` from handlers and Step Functions Lambda
tasks run the same code. Asynchronous invocations are in ``lambda_async``.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from local_runtime import atomic, environ, powertools_correlation, powertools_metrics, powertools_router
from local_runtime.clock import Clock
from local_runtime.console import Console, caller
from local_runtime.lambda_async import AsyncInvoker, Deliver
from local_runtime.lambda_loader import ModuleLoader
from local_runtime.lambda_logs import capture, install_tee
from local_runtime.lambda_model import (
    FunctionSpec,
    InvocationResult,
    LambdaContext,
    error_payload,
    timeout_payload,
)
from local_runtime.tracking import Tracker

log = logging.getLogger(__name__)


class LambdaHost:
    """Registry of functions and the in-process invoker."""

    RELOAD_CHECK_INTERVAL = ModuleLoader.RELOAD_CHECK_INTERVAL

    def __init__(
        self,
        *,
        region: str,
        account_id: str,
        clock: Clock,
        tracker: Tracker,
        deliver: Deliver | None = None,
        hot_reload: bool = True,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.tracker = tracker
        self.functions: dict[str, FunctionSpec] = {}
        self._by_name: dict[str, str] = {}
        # Lambda ends an invocation at its Timeout; set False to debug a handler step by step.
        self.enforce_timeouts = True
        self.console = Console()  # each invocation's line on the terminal, and the ring /_local/logs reads
        install_tee()
        environ.install()
        powertools_metrics.install()  # before any handler module creates a Metrics
        powertools_router.install()  # the event a resolver resolves is its invocation's, not the process's
        powertools_correlation.install()  # the console names each invocation's correlation id
        self._loader = ModuleLoader(self.environment, hot_reload=hot_reload)
        self._async = AsyncInvoker(
            self._attempt, clock=clock, tracker=tracker, retry_delay=self._retry_delay, deliver=deliver
        )

    @property
    def deliver(self) -> Deliver | None:
        """``(arn, payload)``: how async destinations and DLQs are reached (set by the runtime)."""
        return self._async.deliver

    @deliver.setter
    def deliver(self, value: Deliver | None) -> None:
        self._async.deliver = value

    def _attempt(self, name: str, event: object) -> InvocationResult:
        return self.invoke(name, event)  # looked up on each attempt: ``invoke`` may be replaced (tests do)

    def _retry_delay(self, attempt: int) -> float:
        return self.retry_delays(attempt)

    # ------------------------------------------------------------------ registry
    def register(self, spec: FunctionSpec) -> None:
        self.functions[spec.logical_id] = spec
        self.console.make_room_for(spec.logical_id)
        self._by_name[spec.name] = spec.logical_id
        self._by_name[spec.arn] = spec.logical_id

    def spec(self, name: str) -> FunctionSpec:
        """By logical id, function name, ARN (optionally qualified) or partial ARN."""
        if name in self.functions:
            return self.functions[name]
        if name in self._by_name:
            return self.functions[self._by_name[name]]
        if name.startswith("arn:"):
            parts = name.split(":")
            if len(parts) >= 7:
                return self.spec(parts[6])
        raise KeyError(f"no such function: {name}")

    def environment(self, name: str) -> dict[str, str]:
        """Full environment of a function: template variables plus Lambda's reserved ones."""
        spec = self.spec(name)
        env = {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group_name,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": str(spec.code_dir or ""),
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        env.update(spec.environment)
        return env

    # ------------------------------------------------------------------ modules
    def module_for(self, name: str) -> ModuleType:
        """The handler module of a function's first execution environment (imported or hot-reloaded if need
        be); sequential invocations run there, a concurrent one may get another environment."""
        return self._loader.load(self.spec(name))

    def imported(self) -> set[str]:
        """Logical ids whose handler module is imported."""
        return self._loader.loaded()

    def environments(self, name: str) -> int:
        """How many execution environments a function has now (idle or serving an invocation)."""
        return self._loader.environments(self.spec(name).logical_id)

    # ------------------------------------------------------------------ invoke
    def invoke(self, name: str, event: Any, *, client_context: Any = None) -> InvocationResult:
        """Synchronous invocation (RequestResponse). Never raises for handler errors."""
        spec = self.spec(name)
        request_id = str(uuid.uuid4())
        by = caller.get()
        nested = caller.set(None)  # what this handler invokes, it invokes itself
        start = time.perf_counter()
        with self.tracker.busy(), capture() as buf, powertools_correlation.watching() as seen, atomic.GATE.released():
            env = self.environment(spec.logical_id)
            handler_started: float | None = None
            try:
                # an execution environment to itself (imported if none is idle: init, not invocation time)
                with self._loader.environment(spec) as environment:
                    handler = getattr(environment.module, spec.function_attr)
                    deadline = time.monotonic() + float(spec.timeout)
                    context = LambdaContext(spec, request_id, deadline, client_context)
                    print(f"START RequestId: {request_id} Version: $LATEST", file=buf)
                    handler_started = time.perf_counter()
                    with environ.overlay(env), powertools_metrics.invocation(environment.metrics):
                        result = handler(event, context)
                payload, errored = _marshal(result)
            except Exception as e:  # the handler's error is the invocation's result
                errored = True
                payload = error_payload(e)
                if isinstance(e, (ImportError, SyntaxError, FileNotFoundError)):
                    payload["errorType"] = "Runtime.ImportModuleError"
                    payload["errorMessage"] = f"Unable to import module: {type(e).__name__}: {e}"
                buf.write(f"[ERROR] {payload['errorType']}: {payload['errorMessage']}\n")
            if (
                self.enforce_timeouts
                and handler_started is not None
                and time.perf_counter() - handler_started > float(spec.timeout)
            ):
                # Lambda would have stopped the handler at its Timeout. A thread cannot be killed, so
                # the handler ran to the end (its side effects happened); only its result is replaced.
                errored, payload = True, timeout_payload(spec.timeout)
                stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
                buf.write(f"{stamp} {request_id} {payload['errorMessage']}\n")
                log.warning("local_runtime: %s: %s", spec.logical_id, payload["errorMessage"])
            duration = (time.perf_counter() - start) * 1000
            buf.write(f"END RequestId: {request_id}\n")
        caller.reset(nested)
        result = InvocationResult(payload, errored, buf.getvalue(), request_id, duration, spec.logical_id)
        self.console.invoked(result, event, by, seen.correlation_id)
        return result

    # ------------------------------------------------------------------ async
    def invoke_async(self, name: str, event: Any, *, on_done: Callable[[], None] | None = None) -> str:
        """InvocationType=Event: returns a request id at once; retries and destinations as on AWS.

        Raises KeyError at once if the function does not exist (the caller's delivery failed).
        ``on_done()`` runs once the invocation is over: succeeded, retries exhausted, or dropped.
        """
        return self._async.submit(self.spec(name), event, on_done)

    def retry_delays(self, attempt: int) -> float:
        """AWS waits about one minute before the first retry, two before the second."""
        return 60.0 * attempt

    def shutdown(self) -> None:
        """No new attempt or destination delivery starts; pending retries are dropped."""
        self._async.stop()


def _marshal(result: Any) -> tuple[Any, bool]:
    """The handler's return value as JSON would carry it, or Lambda's marshal error."""
    try:
        return (json.loads(json.dumps(result)) if result is not None else None), False
    except (TypeError, ValueError) as e:
        return {
            "errorType": "Runtime.MarshalError",
            "errorMessage": f"Unable to marshal response: {e}",
            "stackTrace": [],
        }, True
