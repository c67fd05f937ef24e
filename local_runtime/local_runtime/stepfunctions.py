"""Step Functions: moto's interpreter, with waits, back-off and task timeouts on our clock.

Why: the interpreter really runs executions (Lambda tasks reach our in-process handlers via
the moto Lambda bridge) but sleeps in real time; a 60 s Wait should take 60 ms in a test
with ``Clock(speed=1000)``, and a ``.waitForTaskToken`` task with ``TimeoutSeconds: 900``
should time out after 0.9 s.

Task timeouts: time a task spends *waiting* (for a task token, a heartbeat) runs on the clock;
time it spends *working* (its AWS calls and the Lambda handler they run, measured by
``atomic.CallMeter``) runs in real time, bounded by the function's own ``Timeout``. Otherwise a
Lambda task with ``TimeoutSeconds: 10`` would time out after 10 ms on a 1000x clock.
"""

from __future__ import annotations

import inspect
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from local_runtime import atomic
from local_runtime import clock as clock_mod
from local_runtime.console import Caller, caller

_installed = False
_pending = threading.local()  # the task deadline just created on this thread, for its worker thread


class _ClockTime:
    """Stands in for the ``time`` module inside the retrier: ``sleep`` follows the clock."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        clock_mod.current().sleep(seconds)


class ClockEvent(threading.Event):
    """``threading.Event`` whose ``wait`` timeout is virtual seconds (callback and heartbeat waits).

    While a task waits here it waits for someone outside (``SendTaskSuccess`` from an approval, a worker's
    heartbeat): nothing runs. ``running_executions`` leaves such executions out, so a runtime with an
    approval pending for days still counts as idle once everything else has settled.
    """

    _parked = 0
    _parked_lock = threading.Lock()

    def wait(self, timeout: float | None = None) -> bool:
        with ClockEvent._parked_lock:
            ClockEvent._parked += 1
        try:
            if timeout is None:
                return super().wait()
            return super().wait(clock_mod.current().real_seconds(timeout))
        finally:
            with ClockEvent._parked_lock:
                ClockEvent._parked -= 1

    @classmethod
    def parked(cls) -> int:
        return cls._parked


class TaskDeadline(threading.Event):
    """The event a task's timeout waits on: virtual seconds, minus the real time its worker spent working."""

    def __init__(self) -> None:
        super().__init__()
        self.meter: atomic.CallMeter | None = None
        _pending.deadline = self

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is None:
            return super().wait()
        budget = clock_mod.current().real_seconds(timeout)
        meter = self.meter
        started = time.monotonic()
        worked = meter.spent() if meter is not None else 0.0
        while True:
            busy = (meter.spent() - worked) if meter is not None else 0.0
            left = budget - (time.monotonic() - started - busy)
            if left <= 0:
                return self.is_set()
            if super().wait(left):  # woken early or late: recompute what is left of the budget
                return True


class _DeadlineThreading:
    """Stands in for ``threading`` inside ``execute_state``: ``Event()`` is a ``TaskDeadline``."""

    Event = TaskDeadline

    def __getattr__(self, name: str) -> Any:
        return getattr(threading, name)


def _task_worker(*, target: Callable[[], object], **kwargs: Any) -> threading.Thread:
    """Stands in for ``Thread`` inside ``execute_state``: the task's worker, its AWS calls metered
    for the deadline created just before it on this thread."""
    deadline: TaskDeadline | None = getattr(_pending, "deadline", None)
    _pending.deadline = None
    meter = atomic.CallMeter()
    if deadline is not None:
        deadline.meter = meter

    label = _task_label(sys._getframe(1))

    def run() -> None:
        caller.set(Caller(label=label))  # this thread's context: its Lambda invocation is this task's
        with atomic.metered(meter):
            target()

    return threading.Thread(target=run, **kwargs)


def _task_label(interpreter: FrameType) -> str | None:
    """``state machine <name> / <state>`` for the console, from the ``env`` of the interpreter's frame that
    starts the worker (None if moto's interpreter no longer has it there: the console says ``invoke``)."""
    try:
        data = interpreter.f_locals["env"].states.context_object.context_object_data
        return f"state machine {data['StateMachine']['Name']} / {data['State']['Name']}"
    except (KeyError, AttributeError, TypeError):
        return None


class _CachedBoto3:
    """Stands in for ``boto3`` inside the interpreter's ``boto_client_for``: one client per
    service, region and endpoint instead of a new one per task.

    Why: building a botocore client takes tens of milliseconds under a process-wide lock
    (``atomic.install_client_lock``); with 40 executions running it was most of their time.
    botocore clients are thread-safe once built.
    """

    def __init__(self) -> None:
        self._clients: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        import boto3

        return getattr(boto3, name)

    def client(self, *args: Any, **kwargs: Any) -> Any:
        import boto3

        key = (args, kwargs.get("service_name"), kwargs.get("region_name"), kwargs.get("endpoint_url"))
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = boto3.client(*args, **kwargs)
        return client


_PARSE_TREES: dict[str, Any] = {}
_PARSE_TREES_MAX = 128


def _parse_reusing_trees(original: Any) -> Any:
    """``AmazonStateLanguageParser.parse`` that parses each definition once.

    Why: every execution re-parses its definition with ANTLR (~70 ms for a 20-state saga,
    holding the GIL); 40 concurrent executions spent seconds on it. The parse tree is only read
    afterwards, so it is kept per definition text; the evaluation components are still built
    afresh for every execution (``Preprocessor``), since executions must not share them.
    """
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    def parse(definition: str) -> tuple[Any, Any]:
        tree = _PARSE_TREES.get(definition)
        if tree is None:
            program, tree = original(definition)  # raises on syntax errors: nothing cached
            if len(_PARSE_TREES) >= _PARSE_TREES_MAX:
                _PARSE_TREES.clear()
            _PARSE_TREES[definition] = tree
            return program, tree
        return Preprocessor().visit(tree), tree

    return staticmethod(parse)


def _send_task_failure_with_cause() -> None:
    """moto's ``SendTaskFailure`` handler drops ``cause``; the interpreter backend takes it (AWS keeps it)."""
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def send_task_failure(self: Any) -> Any:
        backend = self.stepfunction_backend
        kwargs = {"error": self._get_param("error")}
        if "cause" in inspect.signature(backend.send_task_failure).parameters:  # the interpreter's backend
            kwargs["cause"] = self._get_param("cause")
        backend.send_task_failure(self._get_param("taskToken"), **kwargs)
        return EmptyResult()

    StepFunctionResponse.send_task_failure = send_task_failure  # type: ignore[method-assign]


def install() -> None:
    """Patch ``WaitFunction._wait_interval``, the ``time`` used by ``retrier_decl``, the task
    timeout of ``execute_state`` and the callback/heartbeat events of ``eval.callback``."""
    global _installed
    if _installed:
        return
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.eval.callback import callback
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.utils import boto_client

    def _wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
        clock = clock_mod.current()
        deadline = time.monotonic() + clock.real_seconds(wait_seconds)
        event: threading.Event = env.program_state_event
        while env.is_running():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            event.wait(min(left, 0.5))

    WaitFunction._wait_interval = _wait_interval  # type: ignore[method-assign]
    retrier_decl.time = _ClockTime()  # type: ignore[assignment]
    # ExecuteState._evaluate_with_timeout: ``threading.Event()``, ``Thread(target=...)``, ``event.wait(timeout)``.
    execute_state.threading = _DeadlineThreading()  # type: ignore[assignment]
    execute_state.Thread = _task_worker  # type: ignore[misc, assignment]
    # CallbackEndpoint / HeartbeatEndpoint / ActivityTaskStartEndpoint: ``Event().wait(timeout=seconds)``.
    callback.Event = ClockEvent  # type: ignore[misc]
    boto_client.boto3 = _CachedBoto3()
    AmazonStateLanguageParser.parse = _parse_reusing_trees(AmazonStateLanguageParser.parse)  # type: ignore[method-assign]
    _send_task_failure_with_cause()
    _installed = True


def _backend(account_id: str, region: str) -> Any:
    """The interpreter backend, or None if never imported (importing it costs ~2 s, and
    then nothing can be running)."""
    import sys

    module = sys.modules.get("moto.stepfunctions.parser.models")
    if module is None:
        return None
    return module.stepfunctions_parser_backends[account_id][region]


def running_executions(account_id: str, region: str) -> int:
    """Executions RUNNING in moto's interpreter backend that are working, not parked on a callback.

    Counted as running minus the callback waits in progress: one execution parked in two waits (a token
    and its heartbeat) counts nothing, and an execution whose Map has one branch parked while another
    works counts as parked (a known gap: parked waits are counted per process, not per execution)."""
    try:
        backend = _backend(account_id, region)
        if backend is None:
            return 0
        count = 0
        for sm in list(backend.state_machines):
            for ex in list(sm.executions):
                if getattr(ex, "status", None) == "RUNNING":
                    count += 1
        return max(0, count - ClockEvent.parked())
    except Exception:
        return 0


def stop_executions(account_id: str, region: str) -> None:
    """Abort running executions on shutdown so their worker threads end."""
    from datetime import UTC, datetime

    try:
        backend = _backend(account_id, region)
        if backend is None:
            return
        for sm in list(backend.state_machines):
            for ex in list(sm.executions):
                if getattr(ex, "status", None) == "RUNNING" and hasattr(ex, "stop"):
                    try:
                        ex.stop(datetime.now(UTC), error="States.Aborted", cause="local runtime stopped")
                    except Exception:
                        pass
    except Exception:
        pass
