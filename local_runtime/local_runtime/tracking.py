"""Counts work in flight (deliveries, async invocations, stream batches) for ``wait_idle``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Tracker:
    """A counter with a condition: ``wait_zero`` returns when nothing is in flight."""

    def __init__(self) -> None:
        self._count = 0
        self._cond = threading.Condition()

    def enter(self) -> None:
        with self._cond:
            self._count += 1

    def exit(self) -> None:
        with self._cond:
            self._count -= 1
            if self._count <= 0:
                self._count = 0
                self._cond.notify_all()

    @contextmanager
    def busy(self) -> Iterator[None]:
        self.enter()
        try:
            yield
        finally:
            self.exit()

    @property
    def count(self) -> int:
        return self._count

    def wait_zero(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._count > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True
