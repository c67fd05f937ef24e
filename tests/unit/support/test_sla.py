"""SLA targets on a ticket's clock: due times in business hours, pauses, warnings, breaches, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.support.domain.business_hours import BusinessCalendar
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.domain.sla import (
    DEFAULT_POLICIES,
    SlaFacts,
    SlaPolicy,
    SlaTarget,
    TargetState,
    escalated,
    news,
    sla_state,
)
from tandem.support.domain.sla_clock import StatusChange, running_intervals

BERLIN = ZoneInfo("Europe/Berlin")
DESK = BusinessCalendar.weekdays("Europe/Berlin", country="DE", subdivision="BE")
POLICY = SlaPolicy(first_response_minutes=120, next_response_minutes=240, resolution_minutes=960)
MONDAY_9 = datetime(2025, 3, 10, 9, tzinfo=BERLIN)


def at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


def opened(
    *changes: tuple[TicketStatus, datetime],
    first_replied_at: datetime | None = None,
    awaiting_reply_since: datetime | None = None,
    solved_at: datetime | None = None,
) -> SlaFacts:
    """A ticket opened on Monday at 09:00 (Berlin), with the status changes that followed."""
    history = [StatusChange(TicketStatus.NEW, MONDAY_9), *(StatusChange(s, t) for s, t in changes)]
    return SlaFacts(MONDAY_9, history, first_replied_at, awaiting_reply_since, solved_at)


def target(facts: SlaFacts, which: SlaTarget, now: datetime, policy: SlaPolicy = POLICY) -> TargetState:
    return next(t for t in sla_state(facts, policy, DESK, now).targets if t.target is which)


def test_a_new_ticket_is_due_in_business_hours_and_shows_what_is_left() -> None:
    first = target(opened(), SlaTarget.FIRST_RESPONSE, at(1))
    assert first.due_at == at(2) and first.remaining == timedelta(hours=1)
    assert not first.breached and not first.warned
    resolution = target(opened(), SlaTarget.RESOLUTION, at(1))
    assert resolution.due_at == datetime(2025, 3, 11, 17, tzinfo=BERLIN)  # two eight-hour days


def test_a_first_reply_in_time_meets_the_target() -> None:
    first = target(opened(first_replied_at=at(1.5)), SlaTarget.FIRST_RESPONSE, at(5))
    assert first.met_at == at(1.5) and not first.breached and first.remaining == timedelta(minutes=30)


def test_a_late_first_reply_is_breached_for_good() -> None:
    first = target(opened(first_replied_at=at(3)), SlaTarget.FIRST_RESPONSE, at(5))
    assert first.breached and first.remaining == -timedelta(hours=1)


def test_the_warning_comes_at_three_quarters_of_the_target() -> None:
    first = target(opened(), SlaTarget.FIRST_RESPONSE, at(1.5))
    assert first.warn_at == at(1.5) and first.warned and not first.breached


def test_a_warning_minutes_before_due_comes_first_when_it_is_earlier() -> None:
    policy = POLICY.model_copy(update={"warn_minutes_before": 60})
    assert target(opened(), SlaTarget.FIRST_RESPONSE, at(0), policy).warn_at == at(1)


def test_the_clock_pauses_while_pending_and_resumes_when_the_requester_answers() -> None:
    facts = opened((TicketStatus.PENDING, at(1)), (TicketStatus.OPEN, at(4)))
    first = target(facts, SlaTarget.FIRST_RESPONSE, at(4.5))
    assert first.elapsed == timedelta(hours=1.5) and first.due_at == at(5)


def test_while_paused_there_is_no_due_time_and_nothing_breaches() -> None:
    first = target(opened((TicketStatus.ON_HOLD, at(1))), SlaTarget.FIRST_RESPONSE, at(30))
    assert first.due_at is None and not first.breached and first.remaining == timedelta(hours=1)


def test_next_response_runs_only_while_a_requester_message_waits() -> None:
    quiet = sla_state(opened(first_replied_at=at(1)), POLICY, DESK, at(2))
    assert SlaTarget.NEXT_RESPONSE not in {t.target for t in quiet.targets}
    waiting = opened(first_replied_at=at(1), awaiting_reply_since=at(3))
    assert target(waiting, SlaTarget.NEXT_RESPONSE, at(8)).breached  # due 3 + 4 = at(7)


def test_solving_stops_the_resolution_clock() -> None:
    facts = opened((TicketStatus.OPEN, at(1)), (TicketStatus.SOLVED, at(3)), solved_at=at(3))
    resolution = target(facts, SlaTarget.RESOLUTION, at(100))
    assert resolution.met_at == at(3) and resolution.due_at is None and not resolution.breached


def test_a_breach_is_raised_once_and_a_late_warning_not_at_all() -> None:
    state = sla_state(opened(), POLICY, DESK, at(3))
    first = news(state, frozenset(), frozenset())
    assert first.breaches == {SlaTarget.FIRST_RESPONSE} and first.warnings == frozenset()
    assert news(state, frozenset(), first.breaches).breaches == frozenset()


def test_the_next_deadline_is_the_earliest_unpassed_warning_or_due_time() -> None:
    assert sla_state(opened(), POLICY, DESK, at(0)).next_deadline == at(1.5)
    assert sla_state(opened(), POLICY, DESK, at(1.6)).next_deadline == at(2)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Priority.LOW, Priority.NORMAL),
        (Priority.NORMAL, Priority.HIGH),
        (Priority.HIGH, Priority.URGENT),
        (Priority.URGENT, Priority.URGENT),
    ],
)
def test_a_breach_escalates_one_step_and_urgent_stays_urgent(before: Priority, after: Priority) -> None:
    assert escalated(before) is after


def test_every_priority_has_a_default_policy_and_urgent_is_the_tightest() -> None:
    assert set(DEFAULT_POLICIES) == set(Priority)
    assert DEFAULT_POLICIES[Priority.URGENT].first_response_minutes == min(
        p.first_response_minutes or 0 for p in DEFAULT_POLICIES.values()
    )


def test_a_history_out_of_order_is_refused() -> None:
    history = [StatusChange(TicketStatus.OPEN, at(2)), StatusChange(TicketStatus.PENDING, at(1))]
    with pytest.raises(ValueError, match="time order"):
        list(running_intervals(history, at(0)))


# ---- properties -------------------------------------------------------------------------------------------

offsets = st.integers(min_value=0, max_value=24 * 14 * 4).map(lambda quarters: timedelta(minutes=15 * quarters))


@settings(max_examples=200, deadline=None)
@given(offsets, offsets, st.sampled_from([TicketStatus.PENDING, TicketStatus.ON_HOLD]))
def test_a_pause_never_makes_a_due_time_earlier(pause_at: timedelta, length: timedelta, status: TicketStatus) -> None:
    running = target(opened(), SlaTarget.RESOLUTION, MONDAY_9)
    paused = opened((status, MONDAY_9 + pause_at), (TicketStatus.OPEN, MONDAY_9 + pause_at + length))
    due = target(paused, SlaTarget.RESOLUTION, MONDAY_9).due_at
    assert running.due_at is not None and due is not None and due >= running.due_at


@settings(max_examples=200, deadline=None)
@given(offsets, offsets)
def test_remaining_only_shrinks_as_time_passes(a: timedelta, b: timedelta) -> None:
    earlier, later = sorted((a, b))
    facts = opened((TicketStatus.PENDING, at(3)), (TicketStatus.OPEN, at(30)))
    before = target(facts, SlaTarget.RESOLUTION, MONDAY_9 + earlier)
    after = target(facts, SlaTarget.RESOLUTION, MONDAY_9 + later)
    assert after.remaining <= before.remaining
    assert after.breached or not before.breached


def test_state_is_the_same_whatever_zone_now_is_given_in() -> None:
    facts = opened()
    assert sla_state(facts, POLICY, DESK, at(5)) == sla_state(facts, POLICY, DESK, at(5).astimezone(UTC))
