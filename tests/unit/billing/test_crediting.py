"""Credit notes: full by default, partial by lines, never more than remains, adding up to the invoice."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.billing.domain.commands import CreditInvoice, CreditLine
from tandem.billing.domain.crediting import credit
from tandem.billing.domain.errors import CreditExceedsInvoice, InvalidCreditLines, InvoiceAlreadyCredited
from tandem.billing.domain.events import CreditNoteIssued
from tandem.billing.domain.model import InvoiceStatus, tax_key
from tandem.billing.domain.rules import ZERO
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


MINOR = {"EUR": Decimal("0.01"), "JPY": Decimal("1")}


def _group_amounts(groups):
    return {(g.tax_category, g.tax_rate.normalize()): (g.taxable_amount, g.tax_amount) for g in groups}


@given(
    st.lists(st.tuples(st.integers(1, 6), st.decimals("0.01", "999.99", places=2)), min_size=1, max_size=5),
    st.sampled_from(sorted(MINOR)),
    st.data(),
)
def test_partial_credit_notes_are_en16931_documents_that_sum_exactly_to_the_invoice(specs, currency, data):
    """Each note's VAT per category is its own base x rate rounded once (BR-CO-17), except the note that
    credits a category's last units, which takes exactly what is left: the notes sum to the invoice."""
    minor = MINOR[currency]
    rates = data.draw(st.lists(st.sampled_from(["0.20", "0.19", "0.10", "0.055", "0"]), min_size=len(specs)))
    issued = invoice(
        *[
            line(q, str(p.quantize(minor)), rates[i], "zero" if rates[i] == "0" else "standard", sku=f"S{i}")
            for i, (q, p) in enumerate(specs)
        ],
        currency=currency,
    )
    left = {n: q for n, (q, _) in enumerate(specs, start=1)}
    notes = []
    while any(left.values()):
        open_lines = sorted(n for n, q in left.items() if q)
        chosen = data.draw(st.lists(st.sampled_from(open_lines), min_size=1, unique=True))
        request = tuple(CreditLine(n, data.draw(st.integers(1, left[n]))) for n in chosen)
        before = _group_amounts(issued.tax_breakdown)
        credited = {key: Decimal(issued.credited_tax.get(tax_key(*key), [ZERO, ZERO])[1]) for key in before}
        note = _credit(issued, request, n=len(notes) + 1)
        for x in request:
            left[x.line_number] -= x.quantity
        for key, (base, tax) in _group_amounts(note.tax_breakdown).items():
            own = (base * key[1]).quantize(minor, ROUND_HALF_UP)
            remaining_tax = before[key][1] - credited[key]
            group_done = all(
                not left[x.line_number] for x in issued.lines if (x.tax_category, x.tax_rate.normalize()) == key
            )
            assert tax == (remaining_tax if group_done else min(own, remaining_tax))
            assert tax >= 0 and base >= 0
        for amount in (note.net_total, note.tax_total, note.gross_total):
            assert amount == amount.quantize(minor) and amount.as_tuple().exponent == minor.as_tuple().exponent
        assert note.gross_total == note.net_total + note.tax_total
        notes.append(note)

    assert issued.status is InvoiceStatus.CREDITED
    assert sum(n.net_total for n in notes) == issued.net_total
    assert sum(n.tax_total for n in notes) == issued.tax_total
    assert sum(n.gross_total for n in notes) == issued.gross_total
    for key, (base, tax) in _group_amounts(issued.tax_breakdown).items():
        assert sum(_group_amounts(n.tax_breakdown).get(key, (ZERO, ZERO))[0] for n in notes) == base
        assert sum(_group_amounts(n.tax_breakdown).get(key, (ZERO, ZERO))[1] for n in notes) == tax


def test_three_notes_of_one_unit_credit_6_01_of_vat_exactly():
    issued = invoice(line(3, "10.02"))  # 30.06 at 20 %: VAT 6.01, not 3 x 2.00
    assert issued.tax_total == Decimal("6.01")

    notes = [_credit(issued, (CreditLine(1, 1),), n=k) for k in (1, 2, 3)]

    assert [str(n.tax_total) for n in notes] == [
        "2.00",
        "2.00",
        "2.01",
    ]  # 10.02 x 20 % = 2.004; the last takes the rest
    assert [str(n.gross_total) for n in notes] == ["12.02", "12.02", "12.03"]
    assert sum(n.gross_total for n in notes) == issued.gross_total == Decimal("36.07")


def test_a_yen_credit_note_is_in_whole_yen():
    issued = invoice(line(3, "1999", "0.10", "reduced"), currency="JPY")  # 5997 + 600 (599.7)

    first = _credit(issued, (CreditLine(1, 1),))
    rest = _credit(issued, n=2)

    assert [str(x) for x in (first.net_total, first.tax_total, first.gross_total)] == ["1999", "200", "2199"]
    assert [str(x) for x in (rest.net_total, rest.tax_total, rest.gross_total)] == ["3998", "400", "4398"]
    assert issued.status is InvoiceStatus.CREDITED
