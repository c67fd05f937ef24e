"""What reaches the terminal while the runtime runs, and the recent log lines kept for ``/_local/logs``.

Why: every Powertools log record and EMF metric blob on the terminal buries the flow of a request
under dozens of JSON lines. The ``pretty`` console prints one line per invocation and per event
put on a bus, an error with its traceback, and function records at WARNING or above; ``json``
passes every line through as printed (what the runtime did before); ``quiet`` prints errors only.

The format is process-wide (``configure``), like the stdout it governs; each ``LambdaHost`` has a
``Console`` with its own ring of recent lines. Whatever the format, an invocation's lines still land
in its ``InvocationResult.logs`` (``lambda_logs``) and in the ring.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from local_runtime import console_format as fmt
from local_runtime import lambda_logs, powertools_correlation
from local_runtime.lambda_model import InvocationResult

log = logging.getLogger(__name__)

RING_LINES = 10_000


class LogFormat(StrEnum):
    PRETTY = "pretty"
    JSON = "json"


@dataclass(frozen=True)
class _Settings:
    log_format: LogFormat = LogFormat.JSON  # the library's default: what tests and embedders always saw
    quiet: bool = False


_settings = _Settings()


@dataclass(frozen=True)
class Caller:
    """Who invokes, when the event does not say: an async attempt (1, 2, 3) or a named caller."""

    attempt: int = 0  # of an async invoke; 0: synchronous
    label: str | None = None  # e.g. "state machine X / State": a task's payload is any JSON


# Set around an invocation by whoever starts it (the async invoker, the Step Functions task worker).
caller: ContextVar[Caller | None] = ContextVar("local_runtime_caller", default=None)


def configure(log_format: LogFormat | str = LogFormat.JSON, *, quiet: bool = False) -> None:
    """Choose the console for the whole process (the CLI does; its default is ``pretty``)."""
    global _settings
    _settings = _Settings(LogFormat(log_format), quiet)
    lambda_logs.set_pass_through(_settings.log_format is LogFormat.JSON and not quiet)


class _Line(NamedTuple):  # a tuple: ten thousand of them, made on every invocation's thread
    function: str
    request_id: str
    correlation_id: str | None
    text: str


class LogRing:
    """The last ``size`` lines invocations printed, each with its function and correlation id."""

    def __init__(self, size: int = RING_LINES) -> None:
        self._lines: deque[_Line] = deque(maxlen=size)
        self._lock = threading.Lock()  # a deque may not be iterated while another thread appends

    def add(self, result: InvocationResult, lines: list[str], correlation_id: str | None) -> None:
        """``lines``: what the invocation printed, line by line."""
        entries = [_Line(result.function, result.request_id, correlation_id, text) for text in lines]
        with self._lock:
            self._lines.extend(entries)

    def query(
        self, *, correlation_id: str | None = None, function: str | None = None, limit: int = 1000
    ) -> list[dict[str, object]]:
        """Lines of one flow (a correlation id or its prefix) and/or one function, oldest first, the newest
        ``limit``; each as its parsed JSON record (else ``{"message": line}``)."""
        if limit <= 0:
            return []
        with self._lock:
            lines = list(self._lines)
        picked = [
            line
            for line in lines
            if (not function or line.function == function)
            and (not correlation_id or (line.correlation_id or "").startswith(correlation_id))
        ]
        return [
            {"function": line.function, "request_id": line.request_id, "record": fmt.parse_record(line.text)}
            for line in picked[-limit:]
        ]

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()


class Console:
    """One runtime's console: summarises invocations and events, and keeps the ring."""

    def __init__(self, ring_size: int = RING_LINES) -> None:
        self.ring = LogRing(ring_size)
        self.function_width = fmt.FUNCTION_WIDTH
        self.write: Callable[[str], None] = lambda_logs.write_console  # the terminal (tests collect instead)

    def make_room_for(self, function: str) -> None:
        """Line up the columns for the longest function name (the host registers each)."""
        self.function_width = max(self.function_width, len(function))

    def invoked(
        self, result: InvocationResult, event: object, by: Caller | None = None, correlation_id: str | None = None
    ) -> None:
        """After each invocation: into the ring, and its line (or error block) on the console. Never raises.

        ``by``: who invoked, if the event does not say; ``correlation_id``: what the handler set on its
        Powertools logger, if it did (else the one its log records carry)."""
        try:
            self._invoked(result, event, by or Caller(), correlation_id)
        except Exception:  # the console must never turn a handler's result into a runtime error
            log.exception("local_runtime: console failed for %s", result.function)

    def _invoked(self, result: InvocationResult, event: object, by: Caller, correlation_id: str | None) -> None:
        settings = _settings
        lines = result.logs.splitlines()
        digest = fmt.digest(lines)
        correlation_id = correlation_id or digest.correlation_id
        self.ring.add(result, lines, correlation_id)
        if settings.log_format is LogFormat.JSON:
            if settings.quiet and result.errored:
                self.write(result.logs)  # quiet: only a failed invocation's raw lines
            return
        if settings.quiet and not result.errored:
            return
        what = fmt.trigger(event, by.attempt, by.label)
        parts = [
            fmt.invocation_line(
                f"{result.function:<{self.function_width}}",
                what,
                fmt.outcome(result.payload, result.errored),
                result.duration_ms,
                correlation_id,
            )
        ]
        parts += [fmt.loud_record_line(record) for record in digest.loud_records]
        if result.errored:
            parts.append(fmt.error_block(result.payload))
        self.write("\n".join(parts) + "\n")

    def event_put(self, bus: str, source: str, detail_type: str, targets: int) -> None:
        """After an event is put on a bus: one line, with the correlation id of the invocation putting it."""
        settings = _settings
        if settings.log_format is LogFormat.JSON or settings.quiet:
            return
        correlation_id = powertools_correlation.current()
        if correlation_id is None:  # set by a Powertools logger we did not wrap: its records still say it
            printed = lambda_logs.printed_so_far()
            correlation_id = fmt.correlation_in(printed) if printed else None
        line = fmt.event_line(f"{'event':<{self.function_width}}", bus, source, detail_type, targets, correlation_id)
        self.write(line + "\n")
