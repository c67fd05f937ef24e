"""The correlation id a Powertools ``Logger`` was given during an invocation, for the console.

Why: the console labels each invocation with its correlation id. A handler sets it with
``Logger.set_correlation_id`` (``inject_lambda_context(correlation_id_path=...)`` calls that too),
but it shows in the captured output only if the handler then logs something at the logger's level;
an API handler that answers without an INFO record would have no id. So ``install`` wraps
``set_correlation_id`` to also note the value in the invocation's slot (a ContextVar: invocations
run at once on threads). Only patched when aws_lambda_powertools is importable.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_installed = False
_install_lock = threading.Lock()


@dataclass
class Seen:
    """The last correlation id set during one invocation (None: none was)."""

    correlation_id: str | None = None


_seen: ContextVar[Seen | None] = ContextVar("local_runtime_correlation", default=None)


def install() -> bool:
    """Wrap ``Logger.set_correlation_id`` (idempotent). False if Powertools is missing."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        if importlib.util.find_spec("aws_lambda_powertools") is None:
            return False
        from aws_lambda_powertools.logging.logger import Logger

        original: Callable[[Logger, str | None], None] = Logger.set_correlation_id

        def set_correlation_id(self: Logger, value: str | None) -> None:
            original(self, value)
            seen = _seen.get()
            if seen is not None and value:
                seen.correlation_id = str(value)

        Logger.set_correlation_id = set_correlation_id  # type: ignore[method-assign]
        _installed = True
        return True


@contextmanager
def watching() -> Iterator[Seen]:
    """Note the correlation id set on this thread while the block runs (one invocation)."""
    seen = Seen()
    token = _seen.set(seen)
    try:
        yield seen
    finally:
        _seen.reset(token)


def current() -> str | None:
    """The correlation id the invocation running on this thread has set so far."""
    seen = _seen.get()
    return seen.correlation_id if seen is not None else None
