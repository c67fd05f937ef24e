"""Credit notes: full by default, partial by lines, never more than remains, adding up to the invoice."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.billing.domain.commands import CreditInvoice, CreditLine
from tandem.billing.domain.crediting import credit
from tandem.billing.domain.errors import CreditExceedsInvoice, InvalidCreditLines, InvoiceAlreadyCredited
from tandem.billing.domain.events import CreditNoteIssued
from tandem.billing.domain.model import InvoiceStatus
from tandem.shared.pricing import TaxRounding

from .builders import NOW, invoice, line


def _credit(issued, lines=None, n=1):
    return credit(issued, lines, credit_note_id=uuid4(), number=f"CN-2026-{n:06d}", reason="returned", now=NOW)


def test_a_full_credit_note_mirrors_the_invoice_and_credits_it():
    issued = invoice(line(2, "12.50"), line(1, "19.99", "0.10", "reduced", "B"))

    note = _credit(issued)

    assert (note.net_total, note.tax_total, note.gross_total) == (
        issued.net_total,
        issued.tax_total,
        issued.gross_total,
    )
    assert issued.status is InvoiceStatus.CREDITED and issued.amount_due == 0
    [event] = note.events
    assert isinstance(event, CreditNoteIssued) and event.invoice_number == issued.number


def test_a_fully_credited_invoice_cannot_be_credited_again():
    issued = invoice()
    _credit(issued)

    with pytest.raises(InvoiceAlreadyCredited):
        _credit(issued, n=2)


def test_a_partial_credit_cannot_exceed_what_remains():
    issued = invoice(line(2, "10.00"))
    _credit(issued, (CreditLine(1, 1),))

    with pytest.raises(CreditExceedsInvoice):
        _credit(issued, (CreditLine(1, 2),), n=2)
    assert issued.status is InvoiceStatus.ISSUED


def test_an_unknown_line_is_invalid():
    with pytest.raises(InvalidCreditLines):
        _credit(invoice(), (CreditLine(7, 1),))


@pytest.mark.parametrize("lines", [(), (CreditLine(1, 1), CreditLine(1, 1)), (CreditLine(1, 0),)])
def test_credit_commands_refuse_empty_duplicate_or_zero_lines(lines):
    with pytest.raises(InvalidCreditLines):
        CreditInvoice(invoice_id="x", reason="r", lines=lines)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_credit_commands_need_a_reason_of_1_to_500_characters(reason):
    with pytest.raises(InvalidCreditLines):
        CreditInvoice(invoice_id="x", reason=reason)


@given(
    st.lists(st.tuples(st.integers(1, 5), st.decimals("0.001", "99.999", places=3)), min_size=1, max_size=4),
    st.sampled_from(list(TaxRounding)),
    st.randoms(use_true_random=False),
)
def test_credit_notes_one_unit_at_a_time_add_up_to_the_invoice_to_the_cent(specs, rounding, rnd):
    issued = invoice(
        *[line(q, str(p), rnd.choice(["0.20", "0.10"]), sku=f"S{i}") for i, (q, p) in enumerate(specs)],
        rounding=rounding,
    )
    notes = []
    units = [n for n, (q, _) in enumerate(specs, start=1) for _ in range(q)]
    rnd.shuffle(units)
    for k, number in enumerate(units, start=1):
        notes.append(_credit(issued, (CreditLine(number, 1),), n=k))

    assert issued.status is InvoiceStatus.CREDITED
    assert sum(n.net_total for n in notes) == issued.net_total
    assert sum(n.tax_total for n in notes) == issued.tax_total
    assert sum(n.gross_total for n in notes) == issued.gross_total
    for note in notes:
        assert note.net_total == sum(x.net for x in note.lines)
        assert note.gross_total == note.net_total + note.tax_total
        assert note.net_total >= 0 and note.tax_total >= 0  # never more than remained


def test_a_partially_paid_invoice_becomes_paid_when_a_credit_covers_the_rest():
    issued = invoice(line(2, "10.00"))  # gross 24.00
    issued.apply_payment(Decimal("12.00"))

    _credit(issued, (CreditLine(1, 1),))

    assert issued.status is InvoiceStatus.PAID and issued.amount_due == 0
