"""A ticket's SLA clock: business time that counts only while the ticket is waiting on us.

The clock runs while the ticket is ``new`` or ``open``, pauses while it is ``pending`` (waiting for the
requester) or ``on_hold`` (waiting for a third party), and stops at ``solved``/``closed``; a reopened ticket
resumes from where it stopped. The status history is given as the changes (``StatusChange``), in order; the
clock's running intervals are read from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tandem.support.domain.business_hours import BusinessCalendar, add_business_time, business_time_between
from tandem.support.domain.rules import TicketStatus

RUNNING = frozenset({TicketStatus.NEW, TicketStatus.OPEN})

Interval = tuple[datetime, datetime | None]
"""A running stretch of the clock; ``None`` as its end: still running."""


@dataclass(frozen=True)
class StatusChange:
    status: TicketStatus
    at: datetime


def running_intervals(history: Sequence[StatusChange], since: datetime) -> Iterator[Interval]:
    """Where the clock runs from ``since`` on: the stretches of ``new``/``open`` status, clipped to it.

    ``history`` starts with the ticket's first status and is in time order (a change recorded out of order
    is a bug upstream: refused, not silently sorted, because the clock would be wrong either way).
    """
    for before, after in zip(history, history[1:], strict=False):
        if after.at < before.at:
            raise ValueError("status history must be in time order")
    for index, change in enumerate(history):
        end = history[index + 1].at if index + 1 < len(history) else None
        if change.status not in RUNNING or (end is not None and end <= since):
            continue
        yield max(change.at, since), end


def elapsed(intervals: Sequence[Interval], until: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time the clock ran up to ``until``."""
    total = timedelta(0)
    for start, end in intervals:
        if start >= until:
            break
        stop = until if end is None else min(end, until)
        total += business_time_between(start, stop, calendar)
    return total


def reached_at(intervals: Sequence[Interval], target: timedelta, calendar: BusinessCalendar) -> datetime | None:
    """When the clock reaches ``target``, or None when it is paused or stopped before it does (then nobody
    knows yet: it depends on when the ticket is reopened or the requester answers)."""
    remaining = target
    for start, end in intervals:
        if end is None:
            return add_business_time(start, remaining, calendar)
        in_interval = business_time_between(start, end, calendar)
        if remaining <= in_interval:
            return add_business_time(start, remaining, calendar)
        remaining -= in_interval
    return None
