"""Ticket numbers: one spelling per number, and references in subjects."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.support.domain.errors import InvalidTicketNumber
from tandem.support.domain.numbering import (
    format_ticket_number,
    parse_ticket_number,
    subject_references,
    subject_with_reference,
)


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_a_number_round_trips_through_its_reference(number: int):
    assert parse_ticket_number(format_ticket_number(number)) == number


@given(st.text(max_size=20))
def test_any_text_that_parses_is_the_one_spelling_of_its_number(text: str):
    try:
        number = parse_ticket_number(text)
    except InvalidTicketNumber:
        return
    assert format_ticket_number(number) == text.strip()


def test_numbers_start_at_t_000001_and_grow_past_six_digits():
    assert format_ticket_number(1) == "T-000001"
    assert format_ticket_number(1_000_000) == "T-1000000"


@pytest.mark.parametrize("text", ["T-123", "T-0000123", "T-000000", "t-000123", "#T-000123", "T-00012a"])
def test_other_spellings_are_refused(text: str):
    with pytest.raises(InvalidTicketNumber):
        parse_ticket_number(text)


def test_zero_is_not_a_ticket_number():
    with pytest.raises(InvalidTicketNumber):
        format_ticket_number(0)


def test_references_are_found_in_a_subject_as_we_write_them():
    assert subject_references("Re: AW: Broken lid [#T-000123]") == [123]
    assert subject_references("Fwd: [ #t-000007 ] and [#T-000123] [#T-000007]") == [7, 123]
    assert subject_references("About T-000123 and #T-000124") == []


def test_an_outbound_subject_carries_the_reference_once():
    assert subject_with_reference("Broken lid", 123) == "Broken lid [#T-000123]"
    assert subject_with_reference("Re: Broken lid [#T-000123]", 123) == "Re: Broken lid [#T-000123]"
    assert subject_with_reference("  ", 5) == "[#T-000005]"
