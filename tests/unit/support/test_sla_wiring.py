"""SLAs wired to the Ticket: the facts it keeps, warnings and breaches raised once, escalation, the stored
item (sparse GSI3) and the SupportHours spelling."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.support.adapters import items
from tandem.support.domain.business_hours import BusinessCalendar, parse_hours
from tandem.support.domain.events import TicketSlaBreached, TicketSlaWarning
from tandem.support.domain.messages import Requester
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.domain.sla import SlaSettings, SlaTarget

from .builders import T0, inbound, outbound, ticket

# Monday 9-17 UTC; T0 is Monday 09:00. Normal: first response 8 business hours (due Monday 17:00, warned 15:00).
SETTINGS = SlaSettings(calendar=BusinessCalendar.weekdays("UTC"))


def _check(t, hours: float) -> list:
    at = T0 + timedelta(hours=hours)
    t.events.clear()
    t.record_sla(SETTINGS.state(t.sla_facts(), t.priority, at), at)
    return list(t.events)


def test_the_ticket_keeps_what_the_sla_needs():
    t = ticket()
    assert t.first_replied_at is None and t.awaiting_reply_since is None
    t.reply(outbound("<r1@tandem.example>", minutes=30))
    assert t.first_replied_at == T0 + timedelta(minutes=30) and t.awaiting_reply_since is None
    t.receive(inbound(minutes=60, auto_reply=True))
    assert t.awaiting_reply_since is None  # an out-of-office reply waits for nothing
    t.receive(inbound(minutes=90))
    t.receive(inbound(minutes=95))
    assert t.awaiting_reply_since == T0 + timedelta(minutes=90)  # the oldest unanswered one
    t.reply(outbound("<r2@tandem.example>", minutes=120))
    assert t.first_replied_at == T0 + timedelta(minutes=30) and t.awaiting_reply_since is None


def test_a_warning_then_a_breach_are_raised_once_each_and_the_breach_escalates():
    t = ticket()
    assert _check(t, 1) == []
    [warning] = _check(t, 6.5)
    assert isinstance(warning, TicketSlaWarning) and warning.target == "first_response"
    assert warning.due_at == T0 + timedelta(hours=8)
    assert _check(t, 7) == []
    [breach] = _check(t, 8.5)
    assert isinstance(breach, TicketSlaBreached) and (breach.priority, breach.escalated_to) == ("normal", "high")
    assert t.priority is Priority.HIGH and t.sla_breached == {SlaTarget.FIRST_RESPONSE}
    assert [type(e) for e in _check(t, 8.6)] == []  # high's targets are shorter, but first response is done


def test_a_breach_seen_first_is_not_also_a_warning_and_urgent_stays_urgent():
    t = ticket()
    t.priority = Priority.URGENT
    events = _check(t, 5)  # urgent: first response 1 h and resolution 8 h: only first response breached
    assert [(type(e), e.target) for e in events] == [(TicketSlaBreached, "first_response")]
    assert events[0].escalated_to == "urgent" and t.priority is Priority.URGENT


def test_the_clock_pauses_while_pending_and_stops_once_solved():
    t = ticket()
    t.change_status(TicketStatus.PENDING, T0 + timedelta(hours=1))
    assert _check(t, 30) == []  # paused after one hour
    t = ticket()
    t.change_status(TicketStatus.SOLVED, T0 + timedelta(hours=1))
    assert _check(t, 300) == [] and not t.record_sla(SETTINGS.state(t.sla_facts(), t.priority, T0), T0)


def test_a_reply_starts_a_new_next_response_cycle():
    t = ticket()
    t.reply(outbound("<r1@tandem.example>", minutes=10))
    t.receive(inbound(minutes=20))
    [breach] = [e for e in _check(t, 72) if e.target == "next_response" and isinstance(e, TicketSlaBreached)]
    assert SlaTarget.NEXT_RESPONSE in t.sla_breached
    t.reply(outbound("<r2@tandem.example>", minutes=48 * 60))
    assert SlaTarget.NEXT_RESPONSE not in t.sla_breached | t.sla_warned


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=24 * 30), min_size=1, max_size=12))
def test_whatever_the_check_times_each_warning_and_breach_is_raised_at_most_once(hours):
    t = ticket()
    raised = [(type(e).__name__, e.target) for h in sorted(hours) for e in _check(t, h)]
    assert len(raised) == len(set(raised))
    assert {target for kind, target in raised if kind == "TicketSlaBreached"} == {str(x) for x in t.sla_breached}


def test_the_stored_item_keeps_the_sla_facts_and_only_watched_tickets_are_in_gsi3():
    t = ticket()
    t.reply(outbound("<r1@tandem.example>", minutes=30))
    t.receive(inbound(minutes=90))
    _check(t, 100)
    item = items.ticket_item(t, version=3)
    back = items.ticket_from_item(item)
    assert (back.first_replied_at, back.awaiting_reply_since) == (t.first_replied_at, t.awaiting_reply_since)
    assert (back.sla_warned, back.sla_breached, back.priority) == (t.sla_warned, t.sla_breached, t.priority)
    assert item["GSI3PK"] == "SLA" and str(item["GSI3SK"]).endswith(str(t.id))
    t.change_status(TicketStatus.SOLVED, T0 + timedelta(days=9))
    assert "GSI3PK" not in items.ticket_item(t, version=4)
    owned = ticket()
    owned.requester = Requester(email="ada@example.com", customer_sub=str(uuid4()))
    copy = items.owner_item(owned, version=1)
    assert copy is not None and not set(copy) & {"GSI2PK", "GSI3PK", "GSI3SK"}


def test_an_item_stored_before_the_sla_fields_reads_with_none_recorded():
    item = items.ticket_item(ticket(), version=1)
    for name in ("first_replied_at", "awaiting_reply_since", "sla_warned", "sla_breached"):
        item.pop(name)
    back = items.ticket_from_item(item)
    assert back.first_replied_at is None and back.sla_warned == frozenset()


def test_support_hours_are_spelled_like_the_parameter():
    assert parse_hours("mon-fri 09:00-17:00")[4] == parse_hours("fri 09:00-17:00")[4]
    split = parse_hours("mon-thu 08:00-12:00,13:00-17:00; fri 08:00-24:00")
    assert len(split[0]) == 2 and 5 not in split and str(split[4][0][1]) == "00:00:00"


@pytest.mark.parametrize(
    "spec",
    ["", "xyz 09:00-17:00", "mon-fri", "mon 17:00-09:00", "mon 9-17", "fri-mon 09:00-10:00", "mon 25:00-26:00",
     "mon 09:00-17:00; mon 10:00-11:00", "mon 09:00-12:00,11:00-13:00"],
)  # fmt: skip
def test_wrong_support_hours_are_refused_with_a_reason(spec):
    with pytest.raises(ValueError, match=r"\w"):
        parse_hours(spec)
