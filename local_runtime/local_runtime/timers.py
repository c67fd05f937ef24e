"""Callbacks due at a virtual time, on one thread: delayed work without holding a worker.

Why: an async retry waits about a minute. Sleeping in a pool worker would stall every
other invocation queued behind it; instead the retry waits here and only goes back to the
pool when it is due (``Clock`` time, so a sped-up clock shortens the wait).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable

from local_runtime.clock import Clock

log = logging.getLogger(__name__)


class Timers:
    """A heap of ``(due, callback)`` served by a daemon thread started on first use."""

    MAX_REAL_WAIT = 1.0  # re-check at least this often (seconds of wall time)

    def __init__(self, clock: Clock, name: str = "timers") -> None:
        self.clock = clock
        self.name = name
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def call_at(self, due: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` (on the timer thread: keep it short) once ``clock.time() >= due``."""
        with self._cond:
            if self._stopped:
                raise RuntimeError("timers stopped")
            heapq.heappush(self._heap, (due, next(self._seq), callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def stop(self) -> list[Callable[[], None]]:
        """Stop the thread; the callbacks that were still waiting are returned, not run."""
        with self._cond:
            self._stopped = True
            pending = [cb for _, _, cb in sorted(self._heap)]
            self._heap.clear()
            self._cond.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        return pending

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if self._heap:
                        left = self._heap[0][0] - self.clock.time()
                        if left <= 0:
                            break
                        self._cond.wait(min(self.clock.real_seconds(left), self.MAX_REAL_WAIT))
                    else:
                        self._cond.wait(self.MAX_REAL_WAIT)
                if self._stopped:
                    return
                _, _, callback = heapq.heappop(self._heap)
            try:
                callback()
            except Exception:
                log.exception("local_runtime: timer callback failed")
