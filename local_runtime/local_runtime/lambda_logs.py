"""Per-invocation log capture: stdout/stderr land in the invocation's buffer, and pass through if asked.

Why: ``InvocationResult.logs`` (and moto's LogResult) must hold what that invocation printed,
while handlers run concurrently on threads; a ContextVar selects the buffer per thread. Whether an
invocation's lines also reach the terminal is the console's choice (``set_pass_through``): the raw
lines (``--log-format json``), or only the console's summary (``write_console``).
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
_pass_through = True  # an invocation's writes reach the real stream too (the raw console)


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
            if not _pass_through:
                return len(s)
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

    def write_through(self, s: str) -> None:
        """Write to the real stream, never to an invocation's buffer."""
        with self._lock:
            self.inner.write(s)
            self.inner.flush()


def set_pass_through(on: bool) -> None:
    """Whether what invocations print also reaches the terminal (it always lands in their buffer)."""
    global _pass_through
    _pass_through = on


def write_console(text: str) -> None:
    """Print ``text`` on stdout even inside an invocation (a nested one would otherwise capture it)."""
    stream = sys.stdout
    if isinstance(stream, _TeeStream):
        stream.write_through(text)
    else:
        stream.write(text)
        stream.flush()


def printed_so_far() -> str | None:
    """What the invocation running on this thread has printed until now (None outside an invocation)."""
    buf = _log_buffer.get()
    return None if buf is None else buf.getvalue()


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
