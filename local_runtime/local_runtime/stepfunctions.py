"""Step Functions: moto's interpreter, with Wait states and retry back-off on our clock.

Why: the interpreter really runs executions (Lambda tasks reach our in-process handlers via
the moto Lambda bridge) but sleeps in real time; a 60 s Wait should take 60 ms in a test
with ``Clock(speed=1000)``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from local_runtime import clock as clock_mod

_installed = False


class _ClockTime:
    """Stands in for the ``time`` module inside the retrier: ``sleep`` follows the clock."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        clock_mod.current().sleep(seconds)


def install() -> None:
    """Patch ``WaitFunction._wait_interval`` and the ``time`` used by ``retrier_decl``."""
    global _installed
    if _installed:
        return
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction

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
    retrier_decl.time = _ClockTime()  # type: ignore[attr-defined]
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
    """Executions still RUNNING in moto's interpreter backend."""
    try:
        backend = _backend(account_id, region)
        if backend is None:
            return 0
        count = 0
        for sm in list(backend.state_machines):
            for ex in list(sm.executions):
                if getattr(ex, "status", None) == "RUNNING":
                    count += 1
        return count
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
