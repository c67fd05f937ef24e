"""One process-wide lock around moto's request dispatch: each AWS call is atomic.

Why: moto's backends are not thread-safe (two threads' TransactWriteItems can both pass
their conditions). AWS serialises each API call, so we do too. The lock is re-entrant for
the owning thread and is *released* while in-process Lambda code runs inside a moto
``_invoke_lambda`` (otherwise one handler would block every other thread); the handler's
own boto3 calls then take the lock again, one call at a time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Gate:
    """Re-entrant lock that can be fully released and restored by its owner."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._count = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        if self._owner == me:
            self._count += 1
            return
        self._lock.acquire()
        self._owner = me
        self._count = 1

    def release(self) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("Gate released by a thread that does not own it")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            self._lock.release()

    def owned(self) -> bool:
        return self._owner == threading.get_ident()

    def __enter__(self) -> Gate:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Fully release the gate if this thread holds it, restore it afterwards."""
        me = threading.get_ident()
        if self._owner != me:
            yield
            return
        saved = self._count
        self._count = 0
        self._owner = None
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()
            self._owner = me
            self._count = saved


GATE = Gate()


class CallMeter:
    """Wall time one thread spends inside AWS calls (waiting for GATE and in-process handlers included).

    Why: a Step Functions task timeout is virtual time (``clock.py``), but the work a task does
    (its Lambda handler, its AWS calls) takes real time, and under load much of it. Task timeouts
    subtract what the meter measured, so a busy machine does not time a task out early.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._since = 0.0
        self._total = 0.0

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._since = time.monotonic()
            self._depth += 1

    def exit(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self._total += time.monotonic() - self._since

    def spent(self) -> float:
        """Seconds spent in calls so far (a call under way counts up to now)."""
        with self._lock:
            return self._total + (time.monotonic() - self._since if self._depth else 0.0)


_metering = threading.local()


@contextmanager
def metered(meter: CallMeter) -> Iterator[None]:
    """AWS calls made by this thread inside the block are timed by ``meter``."""
    previous = getattr(_metering, "meter", None)
    _metering.meter = meter
    try:
        yield
    finally:
        _metering.meter = previous


_original_process_request: Callable[..., Any] | None = None


def install() -> None:
    """Wrap ``BotocoreStubber.process_request`` (every in-process boto3 call) with GATE."""
    global _original_process_request
    from moto.core.botocore_stubber import BotocoreStubber

    if _original_process_request is not None:
        return
    original = BotocoreStubber.process_request
    _original_process_request = original

    def process_request(self: Any, request: Any) -> Any:
        meter: CallMeter | None = getattr(_metering, "meter", None)
        if meter is None:
            with GATE:
                return original(self, request)
        meter.enter()
        try:
            with GATE:
                return original(self, request)
        finally:
            meter.exit()

    process_request.__wrapped__ = original  # type: ignore[attr-defined]
    BotocoreStubber.process_request = process_request  # type: ignore[method-assign]


# --------------------------------------------------------------------- client creation
CLIENT_LOCK = threading.RLock()
_original_create_client: Callable[..., Any] | None = None


def install_client_lock() -> None:
    """Serialise ``botocore.session.Session.create_client`` across threads.

    Why: botocore's session (loaders, credential resolution, event hooks) is not thread-safe
    while it builds a client, and in-process handlers create their module-level or lazily
    cached clients on first use, often on several threads at once. One lock, no business code change.
    """
    global _original_create_client
    import botocore.session

    if _original_create_client is not None:
        return
    original = botocore.session.Session.create_client
    _original_create_client = original

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        with CLIENT_LOCK:
            return original(self, *args, **kwargs)

    create_client.__wrapped__ = original  # type: ignore[attr-defined]
    botocore.session.Session.create_client = create_client
