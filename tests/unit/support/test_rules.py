"""Round-robin assignment, address comparison, excerpts and canned replies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.support.domain.canned import check_canned_reply, placeholders_of, render_canned, standard_values
from tandem.support.domain.errors import InvalidCannedReply
from tandem.support.domain.messages import Requester
from tandem.support.domain.rules import EXCERPT_MAX, excerpt, next_agent, same_address


def test_round_robin_goes_to_the_next_agent_and_wraps():
    agents = ["a", "b", "c"]
    assert [next_agent(agents, last) for last in (None, "a", "b", "c", "gone")] == ["a", "b", "c", "a", "a"]
    assert next_agent([], "a") is None


@given(st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=6, unique=True))
def test_round_robin_gives_everyone_one_ticket_before_anyone_gets_a_second(agents: list[str]):
    last, given_to = None, []
    for _ in agents:
        last = next_agent(agents, last)
        given_to.append(last)
    assert sorted(given_to) == sorted(agents)


def test_addresses_compare_without_case_brackets_or_spaces_but_keep_plus_tags():
    assert same_address(" <Ada@Example.COM>", "ada@example.com")
    assert not same_address("ada+shop@example.com", "ada@example.com")


def test_an_excerpt_is_one_short_line():
    text = excerpt("Hello\n\nthe lid\u202e was broken " + "x" * 400)
    assert "\n" not in text and "\u202e" not in text and len(text) == EXCERPT_MAX


REQUESTER = Requester(email="ada@example.com", name="Ada <b>Lovelace</b>")
VALUES = standard_values("T-000123", "Broken lid", REQUESTER, "Grace", "Tandem")


def test_a_canned_reply_fills_its_placeholders():
    body = "Hello {{requester.name}}, about {{ ticket.number }}: {{agent.name}}"
    assert render_canned(body, VALUES) == "Hello Ada <b>Lovelace</b>, about T-000123: Grace"


def test_values_are_escaped_when_the_reply_is_rendered_as_html():
    assert render_canned("Hi {{requester.name}}", VALUES, as_html=True) == "Hi Ada &lt;b&gt;Lovelace&lt;/b&gt;"


def test_a_value_is_never_read_as_a_template_again():
    values = {**VALUES, "requester.name": "{{agent.name}}"}
    assert render_canned("Hi {{requester.name}}", values) == "Hi {{agent.name}}"


def test_a_requester_without_a_name_is_greeted_by_address():
    assert standard_values("T-000001", "s", Requester(email="x@y.z"), "G", "T")["requester.name"] == "x@y.z"


@pytest.mark.parametrize("body", ["Hi {{customer.iban}}", "Hi {{ requester.name }", "Hi {{requester.name}} }}"])
def test_unknown_or_malformed_placeholders_are_refused_when_saved(body: str):
    with pytest.raises(InvalidCannedReply):
        check_canned_reply(body)


def test_rendering_refuses_a_placeholder_without_a_value():
    with pytest.raises(InvalidCannedReply):
        render_canned("{{ticket.number}} {{ticket.sla}}", {"ticket.number": "T-000001"})


def test_placeholders_come_in_order_each_once():
    assert placeholders_of("{{a.b}} {{c}} {{a.b}}") == ["a.b", "c"]
