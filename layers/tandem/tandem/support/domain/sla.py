"""Service level agreements: the targets per priority, where a ticket stands against them, and escalation.

Three targets, each a business duration on the ticket's SLA clock (``sla_clock``):

- first response: from the ticket's opening to the first reply an agent sends;
- next response: from a requester's message that is still unanswered (after the first reply) to our answer;
- resolution: from the opening to ``solved``.

``sla_state`` is pure and deterministic given ``now``: the ``sla-check`` batch (or a per-ticket timer) calls
it, compares with what the ticket already recorded, and raises ``TicketSlaWarning``/``TicketSlaBreached`` for
what is new (``news``). A breach escalates the priority one step (``escalated``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

from tandem.support.domain.business_hours import BusinessCalendar
from tandem.support.domain.rules import Priority
from tandem.support.domain.sla_clock import StatusChange, elapsed, reached_at, running_intervals


class SlaTarget(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class SlaPolicy(BaseModel):
    """One priority's targets in business minutes (None: no such target) and when to warn: at
    ``warn_ratio`` of the target elapsed, or ``warn_minutes_before`` it is due, whichever comes first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_response_minutes: PositiveInt | None
    next_response_minutes: PositiveInt | None
    resolution_minutes: PositiveInt | None
    warn_ratio: float = Field(default=0.75, gt=0, le=1)
    warn_minutes_before: PositiveInt | None = None

    def target(self, which: SlaTarget) -> timedelta | None:
        minutes = {
            SlaTarget.FIRST_RESPONSE: self.first_response_minutes,
            SlaTarget.NEXT_RESPONSE: self.next_response_minutes,
            SlaTarget.RESOLUTION: self.resolution_minutes,
        }[which]
        return None if minutes is None else timedelta(minutes=minutes)

    def warning_after(self, target: timedelta) -> timedelta:
        ratio = target * self.warn_ratio
        if self.warn_minutes_before is None:
            return ratio
        return max(timedelta(0), min(ratio, target - timedelta(minutes=self.warn_minutes_before)))


_HOUR, _DAY = 60, 8 * 60  # a business day is one eight-hour shift
DEFAULT_POLICIES: Mapping[Priority, SlaPolicy] = {
    Priority.URGENT: SlaPolicy(first_response_minutes=_HOUR, next_response_minutes=2 * _HOUR, resolution_minutes=_DAY),
    Priority.HIGH: SlaPolicy(first_response_minutes=4 * _HOUR, next_response_minutes=_DAY, resolution_minutes=3 * _DAY),
    Priority.NORMAL: SlaPolicy(
        first_response_minutes=_DAY, next_response_minutes=2 * _DAY, resolution_minutes=5 * _DAY
    ),
    Priority.LOW: SlaPolicy(
        first_response_minutes=2 * _DAY, next_response_minutes=4 * _DAY, resolution_minutes=10 * _DAY
    ),
}


@dataclass(frozen=True)
class SlaFacts:
    """What the SLA needs to know about a ticket (the service reads it from the Ticket aggregate)."""

    opened_at: datetime
    history: Sequence[StatusChange]  # from the first status on, in time order
    first_replied_at: datetime | None = None
    awaiting_reply_since: datetime | None = None  # the oldest requester message after our last reply
    solved_at: datetime | None = None  # the latest move to solved/closed, None once reopened


@dataclass(frozen=True)
class TargetState:
    """One target at ``now``. ``due_at`` is None while the clock is paused or stopped short of it;
    ``remaining`` is business time and goes negative once overdue; ``warned``/``breached`` say whether the
    warning point / the due time has passed (for a met target: whether it had when it was met)."""

    target: SlaTarget
    goal: timedelta
    elapsed: timedelta
    remaining: timedelta
    warn_at: datetime | None
    due_at: datetime | None
    met_at: datetime | None
    warned: bool
    breached: bool


@dataclass(frozen=True)
class SlaState:
    targets: tuple[TargetState, ...]

    @property
    def breached(self) -> frozenset[SlaTarget]:
        return frozenset(t.target for t in self.targets if t.breached)

    @property
    def warned(self) -> frozenset[SlaTarget]:
        return frozenset(t.target for t in self.targets if t.warned and not t.breached)

    @property
    def next_deadline(self) -> datetime | None:
        """The earliest warning or due time still ahead of an unmet target: when a per-ticket timer fires."""
        instants = [
            instant
            for t in self.targets
            if t.met_at is None
            for instant in (t.warn_at if not t.warned else None, t.due_at if not t.breached else None)
            if instant is not None
        ]
        return min(instants, default=None)


def _target_state(
    which: SlaTarget, start: datetime, met_at: datetime | None, facts: SlaFacts, policy: SlaPolicy,
    calendar: BusinessCalendar, now: datetime,
) -> TargetState | None:  # fmt: skip
    goal = policy.target(which)
    if goal is None:
        return None
    intervals = list(running_intervals(facts.history, start))
    until = now if met_at is None else min(met_at, now)
    ran = elapsed(intervals, until, calendar)
    warn_at = reached_at(intervals, policy.warning_after(goal), calendar)
    due_at = reached_at(intervals, goal, calendar)
    return TargetState(
        target=which,
        goal=goal,
        elapsed=ran,
        remaining=goal - ran,
        warn_at=warn_at,
        due_at=due_at,
        met_at=met_at if met_at is not None and met_at <= now else None,
        warned=warn_at is not None and until >= warn_at,
        breached=due_at is not None and until > due_at,
    )


def sla_state(facts: SlaFacts, policy: SlaPolicy, calendar: BusinessCalendar, now: datetime) -> SlaState:
    """Every target of ``policy`` the ticket is subject to at ``now``: first response and resolution always,
    next response only while a requester's message waits for an answer after the first reply."""
    wanted = [
        (SlaTarget.FIRST_RESPONSE, facts.opened_at, facts.first_replied_at),
        (SlaTarget.RESOLUTION, facts.opened_at, facts.solved_at),
    ]
    if facts.first_replied_at is not None and facts.awaiting_reply_since is not None:
        wanted.insert(1, (SlaTarget.NEXT_RESPONSE, facts.awaiting_reply_since, None))
    states = (_target_state(which, start, met, facts, policy, calendar, now) for which, start, met in wanted)
    return SlaState(tuple(state for state in states if state is not None))


@dataclass(frozen=True)
class SlaNews:
    """What changed since the ticket last recorded its SLA: the warnings and breaches to raise now."""

    warnings: frozenset[SlaTarget]
    breaches: frozenset[SlaTarget]


def news(state: SlaState, recorded_warnings: frozenset[SlaTarget], recorded_breaches: frozenset[SlaTarget]) -> SlaNews:
    """Raise each warning and each breach once: the batch runs every few minutes and must not repeat them.
    A target breached before anybody warned is reported as breached only."""
    breaches = state.breached - recorded_breaches
    return SlaNews(warnings=state.warned - recorded_warnings - breaches, breaches=breaches)


_LADDER: Sequence[Priority] = (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)


def escalated(priority: Priority) -> Priority:
    """One step up on a breach; urgent stays urgent (the team lead is told instead)."""
    return _LADDER[min(_LADDER.index(priority) + 1, len(_LADDER) - 1)]


def _default_calendar() -> BusinessCalendar:
    return BusinessCalendar.weekdays("Europe/Paris")


@dataclass(frozen=True)
class SlaSettings:
    """The desk's business calendar and its policies per priority (bootstrap builds them from the template's
    ``BusinessTimeZone``, ``SupportHours``, ``SupportHolidayCountry`` and ``SupportHolidaySubdivision``)."""

    calendar: BusinessCalendar = field(default_factory=_default_calendar)
    policies: Mapping[Priority, SlaPolicy] = field(default_factory=lambda: dict(DEFAULT_POLICIES))

    def state(self, facts: SlaFacts, priority: Priority, now: datetime) -> SlaState:
        return sla_state(facts, self.policies[priority], self.calendar, now)
