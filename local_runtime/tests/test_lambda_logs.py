"""The stdout tee: serialised writes that never deadlock on re-entry and never hang a flush."""

from __future__ import annotations

import io
import threading

from local_runtime.lambda_logs import _TeeStream, capture


class _Echoing(io.StringIO):
    """A stream whose write prints again through the tee, as a warning inside a write would."""

    def __init__(self) -> None:
        super().__init__()
        self.tee: _TeeStream | None = None

    def write(self, s: str) -> int:
        if self.tee is not None and not s.startswith("(nested)"):
            self.tee.write("(nested)" + s)
        return super().write(s)


def _run_with_timeout(target, seconds: float = 5.0) -> bool:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_a_write_that_writes_again_on_the_same_thread_does_not_deadlock():
    inner = _Echoing()
    tee = inner.tee = _TeeStream(inner)

    assert _run_with_timeout(lambda: tee.write("hello\n"))
    assert inner.getvalue() == "(nested)hello\nhello\n"


def test_flush_gives_up_instead_of_hanging_when_another_thread_holds_the_stream():
    tee = _TeeStream(io.StringIO())
    holder_has_lock, release = threading.Event(), threading.Event()

    def hold() -> None:
        with _TeeStream._lock:
            holder_has_lock.set()
            release.wait(10)

    threading.Thread(target=hold, daemon=True).start()
    holder_has_lock.wait(5)
    try:
        assert _run_with_timeout(tee.flush, seconds=_TeeStream.FLUSH_WAIT + 3)
    finally:
        release.set()


def test_what_an_invocation_prints_lands_in_its_own_buffer():
    inner = io.StringIO()
    tee = _TeeStream(inner)
    with capture() as mine:
        tee.write("mine\n")
    tee.write("not captured\n")

    assert mine.getvalue() == "mine\n"
    assert inner.getvalue() == "mine\nnot captured\n"
