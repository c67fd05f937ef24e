"""Runtime clock: one notion of time for retries, Wait states and schedules.

Why: AWS waits minutes between async retries and Step Functions Wait states can last
hours; locally (and in tests) we want the same semantics, faster. ``Clock(speed=1000)``
makes one virtual minute pass in 60 ms. Virtual time starts at the real time when the
clock is created and then advances ``speed`` times faster.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Virtual clock running ``speed`` times faster than the wall clock."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("clock speed must be > 0")
        self.speed = float(speed)
        self._real0 = time.time()
        self._mono0 = time.monotonic()

    def time(self) -> float:
        """Virtual epoch seconds."""
        return self._real0 + (time.monotonic() - self._mono0) * self.speed

    def now(self) -> datetime:
        """Virtual now, timezone-aware UTC."""
        return datetime.fromtimestamp(self.time(), UTC)

    def from_real(self, epoch: float) -> float:
        """The virtual time of a wall-clock epoch (e.g. a timestamp moto stamped with the real time)."""
        return self._real0 + (float(epoch) - self._real0) * self.speed

    def real_seconds(self, virtual_seconds: float) -> float:
        """How long ``virtual_seconds`` last on the wall clock."""
        return max(0.0, float(virtual_seconds)) / self.speed

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time."""
        time.sleep(self.real_seconds(seconds))

    def wait(self, event: threading.Event, seconds: float | None) -> bool:
        """``event.wait`` with a virtual timeout (None: forever); True if the event was set."""
        return event.wait(None if seconds is None else self.real_seconds(seconds))


_current = Clock()


def current() -> Clock:
    """The clock of the active runtime (process-wide patches into moto read it)."""
    return _current


def set_current(clock: Clock) -> None:
    global _current
    _current = clock
