"""Document numbers and due dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.billing.domain.rules import DocumentKind, document_number, due_date, parse_number


def test_numbers_are_kind_year_and_six_digits():
    assert document_number(DocumentKind.INVOICE, 2026, 1) == "INV-2026-000001"
    assert document_number(DocumentKind.CREDIT_NOTE, 2027, 123456) == "CN-2027-123456"


@given(st.sampled_from(list(DocumentKind)), st.integers(1000, 9999), st.integers(1, 999_999))
def test_a_number_parses_back_to_what_made_it(kind, year, sequence):
    assert parse_number(document_number(kind, year, sequence)) == (kind, year, sequence)


@pytest.mark.parametrize("sequence", [0, -1, 1_000_000])
def test_sequences_outside_six_digits_are_refused(sequence):
    with pytest.raises(ValueError):
        document_number(DocumentKind.INVOICE, 2026, sequence)


@pytest.mark.parametrize("text", ["INV-26-000001", "INV-2026-1", "XX-2026-000001", "INV-2026-0000001"])
def test_other_strings_are_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_due_dates():
    assert due_date(date(2026, 12, 25), "invoice", 14) == date(2027, 1, 8)
    assert due_date(date(2026, 12, 25), "card", 14) == date(2026, 12, 25)
