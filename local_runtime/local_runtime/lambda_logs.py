"""Per-invocation log capture: stdout/stderr pass through and also land in the invocation's buffer.

Why: ``InvocationResult.logs`` (and moto's LogResult) must hold what that invocation printed,
while handlers run concurrently on threads; a ContextVar selects the buffer per thread.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

_log_buffer: ContextVar[io.StringIO | None] = ContextVar("local_runtime_log_buffer", default=None)


class _TeeStream(io.TextIOBase):
    """sys.stdout/err replacement: writes pass through, and into the invocation's buffer.

    Writes to the real stream are serialised (one lock for every tee, since test runners swap
    ``sys.stdout`` and a stream may be wrapped more than once): handlers on many threads print at
    once, and a text stream over an unbuffered file — pytest's fd capture is one — is not safe for
    concurrent writers; the interpreter crashed under load before this lock. Re-entrant, because a
    write can print again on the same thread (a warning, a finaliser reporting to stderr).
    """

    _lock = threading.RLock()
    FLUSH_WAIT = 1.0  # seconds: at interpreter exit a frozen daemon thread may hold the lock

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, s: str) -> int:
        buf = _log_buffer.get()
        if buf is not None:
            buf.write(s)
        with self._lock:
            return self.inner.write(s)

    def flush(self) -> None:
        if not self._lock.acquire(timeout=self.FLUSH_WAIT):
            return  # never hang on exit for a flush
        try:
            if not getattr(self.inner, "closed", False):
                self.inner.flush()
        finally:
            self._lock.release()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")


def install_tee() -> None:
    if not isinstance(sys.stdout, _TeeStream):
        sys.stdout = _TeeStream(sys.stdout)
    if not isinstance(sys.stderr, _TeeStream):
        sys.stderr = _TeeStream(sys.stderr)


@contextmanager
def capture() -> Iterator[io.StringIO]:
    """Collect what this thread (and the context it runs) prints while the block runs."""
    install_tee()  # test runners and tools swap sys.stdout: wrap whatever is current
    buf = io.StringIO()
    token = _log_buffer.set(buf)
    try:
        yield buf
    finally:
        _log_buffer.reset(token)
