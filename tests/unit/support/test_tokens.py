"""Our signed thread token: it round-trips, it cannot be forged or altered, and secrets rotate."""

from __future__ import annotations

import re
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.support.domain.tokens import message_id_for, reply_to_for, ticket_token, token_from, tokens_in

SECRET = b"s" * 32
OLD_SECRET = b"o" * 32


@given(st.uuids())
def test_a_token_round_trips_to_its_ticket(ticket_id: UUID):
    assert token_from(ticket_token(ticket_id, SECRET), [SECRET]) == ticket_id


@given(st.uuids(), st.data())
def test_a_token_altered_in_any_character_is_refused(ticket_id: UUID, data: st.DataObject):
    token = ticket_token(ticket_id, SECRET)
    at = data.draw(st.integers(0, len(token) - 1).filter(lambda i: token[i] != "-"))
    other = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz234567").filter(lambda c: c != token[at]))
    assert token_from(token[:at] + other + token[at + 1 :], [SECRET]) is None


def test_a_token_is_short_and_safe_in_a_local_part_and_a_message_id():
    token = ticket_token(uuid4(), SECRET)
    assert re.fullmatch(r"[a-z2-7]{26}-[a-z2-7]{16}", token)


def test_a_token_signed_with_another_secret_is_refused():
    assert token_from(ticket_token(uuid4(), b"x" * 32), [SECRET]) is None


def test_a_token_signed_before_a_rotation_still_threads_while_the_old_secret_is_listed():
    ticket_id = uuid4()
    old = ticket_token(ticket_id, OLD_SECRET)
    assert token_from(old, [SECRET, OLD_SECRET]) == ticket_id
    assert token_from(old, [SECRET]) is None


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        ticket_token(uuid4(), b"short")


def test_the_message_id_is_of_our_domain_and_carries_the_token():
    ticket_id = uuid4()
    message_id = message_id_for(ticket_id, "Tandem.Example", SECRET, "0a1b2c")
    assert message_id.startswith("<t-0a1b2c-") and message_id.endswith("@tandem.example>")
    assert token_from(message_id, [SECRET]) == ticket_id


def test_the_unique_part_of_a_message_id_is_refused_when_it_could_break_the_header():
    with pytest.raises(ValueError):
        message_id_for(uuid4(), "tandem.example", SECRET, "a>b")


def test_the_reply_to_is_a_plus_address_of_the_support_mailbox_that_survives_upper_case():
    ticket_id = uuid4()
    reply_to = reply_to_for(ticket_id, "support+old@Tandem.Example", SECRET)
    assert reply_to.startswith("support+") and reply_to.endswith("@tandem.example")
    assert token_from(reply_to.upper(), [SECRET]) == ticket_id


def test_tokens_in_headers_come_in_order_each_once():
    first, second = uuid4(), uuid4()
    values = [
        message_id_for(first, "tandem.example", SECRET, "1"),
        "<CAF123@mail.gmail.com>",
        message_id_for(second, "tandem.example", SECRET, "2"),
        message_id_for(first, "tandem.example", SECRET, "3"),
    ]
    assert tokens_in(values, [SECRET]) == [first, second]
