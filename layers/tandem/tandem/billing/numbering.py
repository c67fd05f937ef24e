"""Gapless numbers: read the series' counter, then commit the document with ``last = seen`` + 1.

Two issuers that read the same value race in DynamoDB: one transaction wins, the other is cancelled
(ConditionFailed on the counter, or TransactionConflict) and retries with a fresh read after a short,
jittered, growing pause. No number is ever skipped (it is taken only in the document's transaction)
or used twice (the condition). ``ATTEMPTS`` covers 50 issuers at once with room to spare.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, TypeVar

from tandem.shared import retry
from tandem.shared.errors import ConditionFailed, TransactionConflict

ATTEMPTS = 120
T = TypeVar("T")


def pause(attempt: int) -> float:
    """Full jitter before retry ``attempt`` (1-based), growing from 10 ms to at most 100 ms."""
    return random.uniform(0.0, min(0.1, 0.01 * 2 ** min(attempt - 1, 4)))  # noqa: S311 - jitter, not security


def retrying(attempt_once: Callable[[], T], *, retry_labels: frozenset[str], sleep: Callable[[float], Any],
             attempts: int = ATTEMPTS) -> T:
    """Run ``attempt_once``; retry on a race over one of ``retry_labels`` (or a TransactionConflict).

    After ``attempts`` lost races: ``TransactionConflict`` (transient; the state machine retries it).
    """
    def lost_race(error: BaseException) -> bool:
        return not isinstance(error, ConditionFailed) or error.label in retry_labels

    try:
        return retry.retrying(attempt_once, on=(ConditionFailed, TransactionConflict), attempts=attempts,
                              sleep=sleep, pause=pause, when=lost_race)
    except ConditionFailed as failed:
        if not lost_race(failed):
            raise
        raise TransactionConflict() from None
