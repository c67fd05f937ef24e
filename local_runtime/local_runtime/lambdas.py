"""Run Lambda handlers in-process, each with its own environment, context and logs.

Why: importing the handler once and calling it is ~1000x faster than a container, keeps
tracebacks and debuggers working, and allows hot reload. moto's Lambda is bridged to this
host (see ``install_moto_bridge``) so ``boto3 lambda.invoke`` from handlers and Step
Functions Lambda tasks run the same code.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from local_runtime import atomic, environ
from local_runtime.clock import Clock
from local_runtime.tracking import Tracker


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
    timeout: int = 3
    environment: dict[str, str] = field(default_factory=dict)
    layer_dirs: list[Path] = field(default_factory=list)
    event_invoke_config: dict[str, Any] = field(default_factory=dict)
    dead_letter_arn: str | None = None

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

    def raise_for_error(self) -> Any:
        if self.errored:
            raise RuntimeError(f"{self.function} failed: {self.payload}")
        return self.payload


class LambdaContext:
    """The ``context`` argument of a Python Lambda handler."""

    def __init__(
        self, spec: FunctionSpec, request_id: str, deadline: float, client_context: Any = None
    ) -> None:
        self.aws_request_id = request_id
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = int(spec.memory_size)
        self.log_group_name = f"/aws/lambda/{spec.name}"
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        self.log_stream_name = f"{day}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = client_context
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# --------------------------------------------------------------------- log capture
_log_buffer: ContextVar[io.StringIO | None] = ContextVar("local_runtime_log_buffer", default=None)


class _TeeStream(io.TextIOBase):
    """sys.stdout/err replacement: writes pass through, and into the invocation's buffer."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, s: str) -> int:
        buf = _log_buffer.get()
        if buf is not None:
            buf.write(s)
        return self.inner.write(s)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")


def _install_tee() -> None:
    if not isinstance(sys.stdout, _TeeStream):
        sys.stdout = _TeeStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, _TeeStream):
        sys.stderr = _TeeStream(sys.stderr)  # type: ignore[assignment]


def error_payload(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """Lambda's error object: errorType is the exception class name (Retry/Catch match it)."""
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


def _py_files_mtime(directory: Path) -> float:
    latest = 0.0
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git") and not d.endswith(".egg-info")]
        for f in files:
            if f.endswith(".py"):
                try:
                    latest = max(latest, os.stat(os.path.join(root, f)).st_mtime)
                except OSError:
                    pass
    return latest


@dataclass
class _Loaded:
    module: ModuleType
    mtime: float
    layer_mtimes: dict[Path, float]


class LambdaHost:
    """Registry of functions and the in-process invoker."""

    RELOAD_CHECK_INTERVAL = 0.2  # seconds between file-system checks per function

    def __init__(
        self,
        *,
        region: str,
        account_id: str,
        clock: Clock,
        tracker: Tracker,
        send_message: Callable[[str, str], None] | None = None,
    ) -> None:
        self.region = region
        self.account_id = account_id
        self.clock = clock
        self.tracker = tracker
        self.functions: dict[str, FunctionSpec] = {}
        self._by_name: dict[str, str] = {}
        self._loaded: dict[str, _Loaded] = {}
        self._checked: dict[str, float] = {}
        self._import_lock = threading.RLock()
        self._layer_mtimes: dict[Path, float] = {}
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lambda-async")
        self.send_message = send_message  # (queue_arn, body) -> None, for async destinations
        self.put_destination_event: Callable[[str, dict[str, Any]], None] | None = None
        _install_tee()
        environ.install()
        _forget_previous_layers()

    # ------------------------------------------------------------------ registry
    def register(self, spec: FunctionSpec) -> None:
        self.functions[spec.logical_id] = spec
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
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": str(spec.code_dir or ""),
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        env.update(spec.environment)
        return env

    # ------------------------------------------------------------------ modules
    def _module_name(self, spec: FunctionSpec) -> str:
        return f"_local_runtime_fn_{spec.logical_id}"

    def _check_layers(self, spec: FunctionSpec) -> None:
        """A changed layer: drop its modules from sys.modules and every loaded handler."""
        for layer in spec.layer_dirs:
            mtime = _py_files_mtime(layer)
            known = self._layer_mtimes.get(layer)
            if known is None:
                self._layer_mtimes[layer] = mtime
                continue
            if mtime > known:
                self._layer_mtimes[layer] = mtime
                prefix = str(layer) + os.sep
                for mod_name, mod in list(sys.modules.items()):
                    f = getattr(mod, "__file__", None)
                    if f and str(f).startswith(prefix):
                        del sys.modules[mod_name]
                self._loaded.clear()
                importlib.invalidate_caches()

    def _layer_sys_path(self, spec: FunctionSpec) -> None:
        for layer in spec.layer_dirs:
            root = layer / "python" if (layer / "python").is_dir() else layer
            if str(root) not in sys.path:
                sys.path.append(str(root))
                _added_paths.add(str(root))

    def module_for(self, name: str) -> ModuleType:
        """Import (or hot-reload) the handler module of a function, under its environment."""
        spec = self.spec(name)
        now = time.monotonic()
        loaded = self._loaded.get(spec.logical_id)
        if loaded is not None and now - self._checked.get(spec.logical_id, 0) < self.RELOAD_CHECK_INTERVAL:
            return loaded.module
        with self._import_lock:
            self._checked[spec.logical_id] = now
            self._check_layers(spec)
            loaded = self._loaded.get(spec.logical_id)
            path = spec.module_file
            if path is None:
                raise FileNotFoundError(f"{spec.logical_id} has no local code (CodeUri)")
            try:
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                raise FileNotFoundError(f"handler file of {spec.logical_id} not found: {path}") from None
            if loaded is not None and loaded.mtime >= mtime:
                return loaded.module
            self._layer_sys_path(spec)
            module_name = self._module_name(spec)
            mod_spec = importlib.util.spec_from_file_location(module_name, path)
            if mod_spec is None or mod_spec.loader is None:
                raise ImportError(f"cannot import {path}")
            module = importlib.util.module_from_spec(mod_spec)
            code_dir = str(spec.code_dir)
            sys.path.insert(0, code_dir)
            sys.modules[module_name] = module
            try:
                with environ.overlay(self.environment(spec.logical_id)):
                    mod_spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(module_name, None)
                raise
            finally:
                try:
                    sys.path.remove(code_dir)
                except ValueError:
                    pass
            self._loaded[spec.logical_id] = _Loaded(module, mtime, {})
            return module

    # ------------------------------------------------------------------ invoke
    @contextmanager
    def _capture(self) -> Iterator[io.StringIO]:
        _install_tee()  # test runners and tools swap sys.stdout: wrap whatever is current
        buf = io.StringIO()
        token = _log_buffer.set(buf)
        try:
            yield buf
        finally:
            _log_buffer.reset(token)

    def invoke(self, name: str, event: Any, *, client_context: Any = None) -> InvocationResult:
        """Synchronous invocation (RequestResponse). Never raises for handler errors."""
        spec = self.spec(name)
        request_id = str(uuid.uuid4())
        start = time.perf_counter()
        errored = False
        with self.tracker.busy(), self._capture() as buf, atomic.GATE.released():
            env = self.environment(spec.logical_id)
            try:
                module = self.module_for(spec.logical_id)
                handler = getattr(module, spec.function_attr)
                deadline = time.monotonic() + float(spec.timeout)
                context = LambdaContext(spec, request_id, deadline, client_context)
                print(f"START RequestId: {request_id} Version: $LATEST", file=buf)
                with environ.overlay(env):
                    result = handler(event, context)
                try:
                    payload = json.loads(json.dumps(result)) if result is not None else None
                except (TypeError, ValueError) as e:
                    errored = True
                    payload = {
                        "errorType": "Runtime.MarshalError",
                        "errorMessage": f"Unable to marshal response: {e}",
                        "stackTrace": [],
                    }
            except Exception as e:  # the handler's error is the invocation's result
                errored = True
                payload = error_payload(e)
                if isinstance(e, (ImportError, SyntaxError, FileNotFoundError)):
                    payload["errorType"] = "Runtime.ImportModuleError"
                    payload["errorMessage"] = f"Unable to import module: {type(e).__name__}: {e}"
                buf.write(f"[ERROR] {payload['errorType']}: {payload['errorMessage']}\n")
            duration = (time.perf_counter() - start) * 1000
            buf.write(f"END RequestId: {request_id}\n")
        return InvocationResult(payload, errored, buf.getvalue(), request_id, duration, spec.logical_id)

    # ------------------------------------------------------------------ async
    def invoke_async(self, name: str, event: Any) -> str:
        """InvocationType=Event: returns at once; retries and destinations as on AWS.

        Raises KeyError at once if the function does not exist (the caller's delivery failed).
        """
        spec = self.spec(name)
        request_id = str(uuid.uuid4())
        self.tracker.enter()
        try:
            self._pool.submit(self._run_async, spec, event, request_id)
        except RuntimeError:
            self.tracker.exit()
            raise
        return request_id

    def retry_delays(self, attempt: int) -> float:
        """AWS waits about one minute before the first retry, two before the second."""
        return 60.0 * attempt

    def _run_async(self, spec: FunctionSpec, event: Any, request_id: str) -> None:
        try:
            cfg = spec.event_invoke_config or {}
            retries = int(cfg.get("MaximumRetryAttempts", 2))
            attempts = 0
            result: InvocationResult | None = None
            for attempt in range(retries + 1):
                if attempt:
                    self.clock.sleep(self.retry_delays(attempt))
                attempts += 1
                result = self.invoke(spec.logical_id, event)
                if not result.errored:
                    break
            assert result is not None
            self._destinations(spec, event, result, attempts, request_id)
        except Exception:  # never let a worker die silently
            traceback.print_exc()
        finally:
            self.tracker.exit()

    def _destinations(
        self, spec: FunctionSpec, event: Any, result: InvocationResult, attempts: int, request_id: str
    ) -> None:
        dest_cfg = (spec.event_invoke_config or {}).get("DestinationConfig") or {}
        key = "OnFailure" if result.errored else "OnSuccess"
        target = (dest_cfg.get(key) or {}).get("Destination")
        if target:
            record = {
                "version": "1.0",
                "timestamp": self.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "requestContext": {
                    "requestId": request_id,
                    "functionArn": f"{spec.arn}:$LATEST",
                    "condition": "RetriesExhausted" if result.errored else "Success",
                    "approximateInvokeCount": attempts,
                },
                "requestPayload": event,
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
                "responsePayload": result.payload,
            }
            if result.errored:
                record["responseContext"]["functionError"] = "Unhandled"
            self._send_destination(target, record, result.errored)
        elif result.errored and spec.dead_letter_arn:
            self._send_destination(spec.dead_letter_arn, event, True, raw=True)

    def _send_destination(self, arn: str, body: Any, failure: bool, raw: bool = False) -> None:
        service = arn.split(":")[2] if arn.startswith("arn:") else ""
        if service == "sqs" and self.send_message is not None:
            self.send_message(arn, json.dumps(body))
        elif service == "lambda":
            self.invoke_async(arn, body)
        elif service == "events" and self.put_destination_event is not None:
            detail_type = (
                "Lambda Function Invocation Result - Failure"
                if failure
                else "Lambda Function Invocation Result - Success"
            )
            self.put_destination_event(arn, {"DetailType": detail_type, "Detail": body})
        else:
            sys.stderr.write(f"local_runtime: destination {arn} not supported, record dropped\n")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_added_paths: set[str] = set()


def _forget_previous_layers() -> None:
    """A new host must not import a previous runtime's layer copies: drop their paths/modules."""
    for path in list(_added_paths):
        while path in sys.path:
            sys.path.remove(path)
        for mod_name, mod in list(sys.modules.items()):
            f = getattr(mod, "__file__", None)
            if f and str(f).startswith(path + os.sep):
                del sys.modules[mod_name]
    for mod_name in [m for m in sys.modules if m.startswith("_local_runtime_fn_")]:
        del sys.modules[mod_name]
    _added_paths.clear()
    importlib.invalidate_caches()


# --------------------------------------------------------------------- moto bridge
_active_host: LambdaHost | None = None
_originals: dict[str, Any] = {}


def set_active_host(host: LambdaHost | None) -> None:
    global _active_host
    _active_host = host


def install_moto_bridge() -> None:
    """Make moto's Lambda run our handlers.

    - ``LambdaFunction._invoke_lambda(event) -> (payload, errored, logs)``: every invoke path
      (boto3 invoke, Step Functions tasks, moto's SQS/SNS mappings) ends here.
    - ``LambdaFunction.invoke``: ``InvocationType=Event`` becomes our async invocation.
    - ``LambdaSimpleBackend.invoke`` (``use_docker: False``) echoes the payload instead of
      calling the function: route it to the real ``LambdaBackend.invoke``.
    """
    from moto.awslambda.models import LambdaBackend, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    if _originals:
        return
    _originals["_invoke_lambda"] = LambdaFunction._invoke_lambda
    _originals["invoke"] = LambdaFunction.invoke
    _originals["simple_invoke"] = LambdaSimpleBackend.invoke

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        host = _active_host
        if host is None:
            return json.dumps(event if event is not None else {}), False, ""
        try:
            host.spec(self.function_name)
        except KeyError:
            return json.dumps(event if event is not None else {}), False, ""
        if isinstance(event, (str, bytes)):
            try:
                event = json.loads(event)
            except ValueError:
                pass
        result = host.invoke(self.function_name, event)
        return json.dumps(result.payload), result.errored, result.logs

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> Any:
        host = _active_host
        inv_type = request_headers.get("x-amz-invocation-type", "RequestResponse")
        if host is not None and inv_type == "Event":
            try:
                host.spec(self.function_name)
            except KeyError:
                pass
            else:
                payload = json.loads(body) if body else {}
                host.invoke_async(self.function_name, payload)
                return b""
        out = _originals["invoke"](self, body, request_headers, response_headers)
        if response_headers.get("x-amz-function-error"):
            response_headers["x-amz-function-error"] = "Unhandled"
        return out

    def simple_invoke(
        self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> Any:
        return LambdaBackend.invoke(self, function_name, qualifier, body, headers, response_headers)

    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
    LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    LambdaSimpleBackend.invoke = simple_invoke  # type: ignore[method-assign]
