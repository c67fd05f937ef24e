"""The Ticket aggregate: statuses, the customer's side writing again, agents' replies, merges, events."""

from __future__ import annotations

from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.support.domain.errors import InvalidTicketTransition, MergeRefused, TicketClosed, TicketMerged
from tandem.support.domain.events import (
    TicketAssigned,
    TicketMessageReceived,
    TicketOpened,
    TicketReplied,
    TicketStatusChanged,
)
from tandem.support.domain.events import TicketMerged as TicketMergedEvent
from tandem.support.domain.messages import reply_threading
from tandem.support.domain.rules import TRANSITIONS, Priority, TicketStatus

from .builders import T0, inbound, note, outbound, ticket


def _types(t) -> list[type]:
    return [type(e) for e in t.events]


def test_a_new_ticket_is_new_with_its_first_message_and_records_that_it_opened():
    t = ticket(42)
    assert (t.status, t.reference, len(t.messages)) == (TicketStatus.NEW, "T-000042", 1)
    opened = t.events[0]
    assert isinstance(opened, TicketOpened) and opened.number == "T-000042" and opened.channel == "email"
    assert t.status_history == [(T0, TicketStatus.NEW)]


@given(st.lists(st.sampled_from(list(TicketStatus)), max_size=12))
def test_a_ticket_never_leaves_closed_and_only_moves_along_the_table(moves: list[TicketStatus]):
    t = ticket()
    for to in moves:
        before = t.status
        try:
            changed = t.change_status(to, T0)
        except (InvalidTicketTransition, TicketClosed):
            assert to is not before and (before is TicketStatus.CLOSED or to not in TRANSITIONS[before])
            assert t.status is before
            continue
        assert changed == (to is not before)
        assert before is not TicketStatus.CLOSED or t.status is TicketStatus.CLOSED


@pytest.mark.parametrize("status", [TicketStatus.PENDING, TicketStatus.SOLVED])
def test_a_message_from_the_requester_reopens_a_pending_or_solved_ticket(status: TicketStatus):
    t = ticket()
    t.change_status(status, T0)
    assert t.receive(inbound(minutes=10))
    assert t.status is TicketStatus.OPEN
    assert _types(t)[-2:] == [TicketMessageReceived, TicketStatusChanged]


def test_a_message_on_hold_stays_on_hold_it_waits_for_a_third_party():
    t = ticket()
    t.change_status(TicketStatus.ON_HOLD, T0)
    t.receive(inbound(minutes=10))
    assert t.status is TicketStatus.ON_HOLD


def test_an_out_of_office_reply_is_appended_without_reopening():
    t = ticket()
    t.change_status(TicketStatus.PENDING, T0)
    assert t.receive(inbound(minutes=10, auto_reply=True))
    assert t.status is TicketStatus.PENDING and len(t.messages) == 2
    received = t.events[-1]
    assert isinstance(received, TicketMessageReceived) and received.auto_reply


def test_the_same_message_delivered_twice_is_kept_once():
    t = ticket()
    again = inbound(message_id=t.messages[0].message_id)
    assert t.receive(again) is False and len(t.messages) == 1


def test_someone_else_writing_on_the_ticket_becomes_a_cc():
    t = ticket()
    t.receive(inbound("Bob@Example.com"))
    assert t.ccs == frozenset({"bob@example.com"}) and t.is_party("bob@example.com")


def test_a_closed_ticket_takes_no_more_messages():
    t = ticket()
    t.change_status(TicketStatus.CLOSED, T0)
    with pytest.raises(TicketClosed):
        t.receive(inbound())


def test_an_agents_first_reply_opens_the_ticket_and_answers_the_customers_latest_message():
    t = ticket()
    t.receive(inbound(minutes=3))
    latest = t.messages[-1].message_id
    assert t.reply(outbound("<t-1-x@tandem.example>", minutes=5))
    replied = next(e for e in t.events if isinstance(e, TicketReplied))
    assert replied.in_reply_to == latest and replied.to_email == "ada@example.com"
    assert t.status is TicketStatus.OPEN


def test_a_reply_may_leave_the_ticket_pending_for_the_customer():
    t = ticket()
    t.reply(outbound("<r@tandem.example>"), then=TicketStatus.PENDING)
    assert t.status is TicketStatus.PENDING


def test_reply_headers_skip_notes_and_out_of_office_replies():
    t = ticket()
    first = t.messages[0].message_id
    t.add_note(note())
    t.reply(outbound("<r1@tandem.example>"))
    t.receive(inbound(minutes=9, auto_reply=True))
    threading = reply_threading(t.messages)
    assert threading.in_reply_to == first
    assert threading.references[:2] == (first, "<r1@tandem.example>") and len(threading.references) == 3


def test_a_long_thread_keeps_the_first_and_the_latest_references():
    t = ticket()
    for minute in range(30):
        t.receive(inbound(minutes=minute))
    references = reply_threading(t.messages).references
    assert len(references) == 20 and references[0] == t.messages[0].message_id
    assert references[-1] == t.messages[-1].message_id


def test_assigning_records_who_had_it_before():
    t = ticket()
    assert t.assign("agent-1", T0) and t.assign("agent-2", T0) and not t.assign("agent-2", T0)
    assigned = t.events[-1]
    assert isinstance(assigned, TicketAssigned) and assigned.previous_assignee == "agent-1"


def test_priority_and_tags_change_without_events_and_repeat_idempotently():
    t = ticket()
    assert t.change_priority(Priority.URGENT) and not t.change_priority(Priority.URGENT)
    assert t.retag(frozenset({"shipping"})) and not t.retag(frozenset({"shipping"}))
    assert _types(t) == [TicketOpened]


def test_merging_closes_the_ticket_into_the_other_and_brings_its_requester_along_as_cc():
    source, target = ticket(1, "bob@example.com"), ticket(2)
    assert source.merge_into(target, T0) and not source.merge_into(target, T0)
    assert source.status is TicketStatus.CLOSED and source.merged_into == target.id
    assert target.ccs == frozenset({"bob@example.com"})
    merged = source.events[-1]
    assert isinstance(merged, TicketMergedEvent) and merged.merged_into_number == "T-000002"
    with pytest.raises(TicketMerged):
        source.receive(inbound())


def test_merging_into_itself_a_merged_or_a_closed_ticket_is_refused():
    a, b, c = ticket(1), ticket(2), ticket(3)
    with pytest.raises(MergeRefused):
        a.merge_into(a, T0)
    b.merge_into(c, T0)
    with pytest.raises(MergeRefused):
        a.merge_into(b, T0)
    c.change_status(TicketStatus.CLOSED, T0)
    with pytest.raises(MergeRefused):
        a.merge_into(c, T0)


def test_a_note_is_kept_on_a_closed_ticket_but_never_on_a_merged_one():
    t, other = ticket(1), ticket(2)
    t.change_status(TicketStatus.CLOSED, T0)
    assert t.add_note(note())
    other.merge_into(ticket(3), T0)
    with pytest.raises(TicketMerged):
        other.add_note(note())


def test_messages_in_the_wrong_direction_are_a_programming_error():
    t = ticket()
    with pytest.raises(ValueError):
        t.receive(outbound("<x@y>"))
    with pytest.raises(ValueError):
        t.add_note(inbound(id=uuid4()))
