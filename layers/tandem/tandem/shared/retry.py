"""Retrying a short operation that lost a race (a transaction conflict, a stale version).

DynamoDB cancels one of two transactions that touch the same item at once; the loser should try
again at once-ish, after a short pause jittered so that racers spread out instead of colliding again.
After ``attempts`` tries the error propagates: the caller's retry (Lambda's, Step Functions') takes over.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def jittered_pause(attempt: int) -> float:
    """Seconds before retry ``attempt`` (1-based): short, growing, jittered."""
    return random.uniform(0.02, 0.08) * attempt  # noqa: S311 - jitter, not security


def retrying(
    operation: Callable[[], T],
    *,
    on: tuple[type[BaseException], ...],
    attempts: int,
    sleep: Callable[[float], Any] = time.sleep,
    when: Callable[[BaseException], bool] | None = None,
) -> T:
    """``operation()``, tried up to ``attempts`` times while it raises one of ``on``, with a
    ``jittered_pause`` before each retry. The one retry helper: every context uses it.

    ``when`` narrows ``on``: an error of ``on`` is retried only if ``when(error)`` is true (e.g. a
    ``ConditionFailed`` on one label only); otherwise it propagates at once.
    """
    for attempt in range(1, attempts):
        try:
            return operation()
        except on as error:
            if when is not None and not when(error):
                raise
            sleep(jittered_pause(attempt))
    return operation()
