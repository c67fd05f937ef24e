"""Document numbers and due dates."""

from __future__ import annotations

from datetime import date

import pytest
from tandem.billing.domain.rules import DocumentKind, document_number, due_date


def test_numbers_are_kind_year_and_six_digits():
    assert document_number(DocumentKind.INVOICE, 2026, 1) == "INV-2026-000001"
    assert document_number(DocumentKind.CREDIT_NOTE, 2027, 123456) == "CN-2027-123456"


@pytest.mark.parametrize("sequence", [0, -1, 1_000_000])
def test_sequences_outside_six_digits_are_refused(sequence):
    with pytest.raises(ValueError):
        document_number(DocumentKind.INVOICE, 2026, sequence)


def test_due_dates():
    assert due_date(date(2026, 12, 25), "invoice", 14) == date(2027, 1, 8)
    assert due_date(date(2026, 12, 25), "card", 14) == date(2026, 12, 25)
