"""Threading: token, then a stored Message-ID, then a subject reference from a party; never subject text alone."""

from __future__ import annotations

from uuid import uuid4

from tandem.support.domain.rules import TicketStatus
from tandem.support.domain.threads import InboundFacts, ThreadedBy, resolve_thread
from tandem.support.domain.tokens import message_id_for, reply_to_for

from .builders import DOMAIN, SECRET, SUPPORT, T0, Desk, outbound, ticket


def _resolve(desk: Desk, facts: InboundFacts):
    return resolve_thread(facts, [SECRET], desk.lookups)


def test_the_customers_answer_to_an_agents_reply_lands_on_the_same_ticket():
    t = ticket()
    reply_id = message_id_for(t.id, DOMAIN, SECRET, uuid4().hex)
    t.reply(outbound(reply_id, minutes=5))
    decision = _resolve(Desk().add(t), InboundFacts(sender="ada@example.com", in_reply_to=(reply_id,)))
    assert (decision.ticket_id, decision.threaded_by) == (t.id, ThreadedBy.TOKEN)


def test_a_token_in_the_plus_address_threads_a_reply_from_a_client_that_drops_the_headers():
    t = ticket()
    facts = InboundFacts(sender="ada@example.com", recipients=(reply_to_for(t.id, SUPPORT, SECRET),))
    assert _resolve(Desk().add(t), facts).ticket_id == t.id


def test_a_forged_token_does_not_thread():
    t = ticket()
    forged = message_id_for(t.id, DOMAIN, b"f" * 32, "1")
    decision = _resolve(Desk().add(t), InboundFacts(sender="mallory@example.net", in_reply_to=(forged,)))
    assert decision.is_new and decision.threaded_by is ThreadedBy.NOTHING


def test_a_stored_customer_message_id_in_references_threads():
    t = ticket()
    first = t.messages[0].message_id
    assert first is not None
    facts = InboundFacts(sender="bob@example.com", references=("<unknown@x>", first))
    decision = _resolve(Desk().add(t), facts)
    assert (decision.ticket_id, decision.threaded_by) == (t.id, ThreadedBy.MESSAGE_ID)


def test_the_token_wins_over_a_message_id_of_another_ticket():
    a, b = ticket(1), ticket(2)
    token_of_a = message_id_for(a.id, DOMAIN, SECRET, "9")
    facts = InboundFacts(
        sender="ada@example.com", in_reply_to=(b.messages[0].message_id or "",), references=(token_of_a,)
    )
    assert _resolve(Desk().add(a, b), facts).ticket_id == a.id


def test_the_subject_reference_threads_a_message_from_the_requester():
    t = ticket(123)
    facts = InboundFacts(sender="ADA@Example.com", subject="Re: Broken lid [#T-000123]")
    decision = _resolve(Desk().add(t), facts)
    assert (decision.ticket_id, decision.threaded_by) == (t.id, ThreadedBy.SUBJECT_REFERENCE)


def test_the_subject_reference_threads_a_message_from_a_cc():
    t = ticket(123)
    t.ccs = frozenset({"bob@example.com"})
    facts = InboundFacts(sender="Bob@example.com", subject="[#T-000123]")
    assert _resolve(Desk().add(t), facts).ticket_id == t.id


def test_a_stranger_quoting_the_reference_in_the_subject_gets_a_new_ticket():
    t = ticket(123)
    facts = InboundFacts(sender="mallory@example.net", subject="Re: Broken lid [#T-000123]")
    decision = _resolve(Desk().add(t), facts)
    assert decision.is_new and decision.linked_to is None


def test_the_same_subject_text_alone_never_threads():
    t = ticket(123)
    decision = _resolve(Desk().add(t), InboundFacts(sender="ada@example.com", subject="Re: Broken lid"))
    assert decision.is_new


def test_a_reply_to_a_merged_ticket_goes_to_the_ticket_that_survived_the_chain():
    first, middle, survivor = ticket(1), ticket(2), ticket(3)
    first.merge_into(middle, T0)
    middle.merge_into(survivor, T0)
    reply_id = message_id_for(first.id, DOMAIN, SECRET, "1")
    decision = _resolve(Desk().add(first, middle, survivor), InboundFacts("ada@example.com", in_reply_to=(reply_id,)))
    assert decision.ticket_id == survivor.id
    assert decision.merged_from == (first.id, middle.id)


def test_a_merge_loop_in_the_stored_data_ends_instead_of_spinning():
    a, b = ticket(1), ticket(2)
    a.merged_into, a.status = b.id, TicketStatus.CLOSED
    b.merged_into, b.status = a.id, TicketStatus.CLOSED
    decision = _resolve(Desk().add(a, b), InboundFacts("ada@example.com", subject="[#T-000001]"))
    assert decision.is_new


def test_a_reply_to_a_closed_ticket_opens_a_new_one_linked_to_it():
    t = ticket(7)
    t.change_status(TicketStatus.SOLVED, T0)
    t.change_status(TicketStatus.CLOSED, T0)
    decision = _resolve(Desk().add(t), InboundFacts("ada@example.com", subject="Re: [#T-000007]"))
    assert decision.is_new and decision.linked_to == t.id


def test_a_token_of_a_ticket_that_no_longer_exists_falls_through_to_the_next_rule():
    t = ticket(5)
    gone = message_id_for(uuid4(), DOMAIN, SECRET, "1")
    decision = _resolve(Desk().add(t), InboundFacts("ada@example.com", subject="[#T-000005]", in_reply_to=(gone,)))
    assert decision.threaded_by is ThreadedBy.SUBJECT_REFERENCE
