"""Invoice totals (EN 16931 identities), due dates and status transitions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tandem.billing.domain.errors import InvalidOrder
from tandem.billing.domain.events import InvoiceIssued, InvoicePaid
from tandem.billing.domain.model import InvoiceStatus
from tandem.shared.pricing import TaxRounding

from .builders import NOW, command, invoice, line

lines_strategy = st.lists(
    st.builds(
        line,
        quantity=st.integers(1, 50),
        price=st.decimals("0.01", "999.99", places=3).map(str),
        rate=st.sampled_from(["0.20", "0.10", "0", "0.07"]),
        category=st.sampled_from(["standard", "reduced", "zero"]),
    ),
    min_size=1,
    max_size=8,
)


@given(lines_strategy, st.sampled_from(list(TaxRounding)))
def test_totals_hold_the_en16931_identities_in_both_rounding_modes(lines, rounding):
    issued = invoice(*lines, rounding=rounding)

    assert issued.net_total == sum(x.net for x in issued.lines)
    assert issued.tax_total == sum(g.tax_amount for g in issued.tax_breakdown)
    assert issued.gross_total == issued.net_total + issued.tax_total
    assert sum(g.taxable_amount for g in issued.tax_breakdown) == issued.net_total


def test_line_and_total_rounding_can_differ_by_a_cent_and_both_are_exact():
    three = [line(quantity=1, price="0.05", rate="0.10", sku=f"S{i}") for i in range(3)]

    per_line = invoice(*three, rounding=TaxRounding.LINE)
    per_total = invoice(*three, rounding=TaxRounding.TOTAL)

    assert per_line.tax_total == Decimal("0.03")  # 3 x round(0.005) = 3 x 0.01
    assert per_total.tax_total == Decimal("0.02")  # round(0.15 x 0.10) = round(0.015) = 0.02


def test_an_invoice_rounds_vat_once_per_category_by_default():
    three = [line(quantity=1, price="10.02", rate="0.20", sku=f"S{i}") for i in range(3)]
    assert command(*three).tax_rounding is TaxRounding.TOTAL  # an order that names no mode is EN 16931

    issued = invoice(*three)

    assert (str(issued.net_total), str(issued.tax_total), str(issued.gross_total)) == ("30.06", "6.01", "36.07")
    [event] = issued.events
    assert isinstance(event, InvoiceIssued) and event.tax_total == Decimal("6.01")


def test_a_yen_invoice_has_whole_yen_everywhere():
    issued = invoice(line(quantity=1, price="1999", rate="0.10", category="reduced"), currency="JPY")

    amounts = [issued.net_total, issued.tax_total, issued.gross_total, issued.lines[0].net]
    amounts += [issued.tax_breakdown[0].taxable_amount, issued.tax_breakdown[0].tax_amount]
    assert [str(x) for x in amounts] == ["1999", "200", "2199", "1999", "1999", "200"]


def test_invoice_terms_are_due_after_the_terms_days_card_at_once():
    assert invoice(terms="invoice").due_date == NOW.date() + timedelta(days=14)
    assert invoice(terms="card").due_date == NOW.date()


def test_issuing_records_invoice_issued_with_the_number():
    issued = invoice(line(2, "12.50"), number="INV-2026-000042")

    [event] = issued.events
    assert isinstance(event, InvoiceIssued) and event.number == "INV-2026-000042"
    assert event.gross_total == Decimal("30.00") and event.lines[0].net == Decimal("25.00")


def test_an_order_without_lines_or_with_a_bad_method_cannot_be_invoiced():
    with pytest.raises(InvalidOrder):
        command().__class__(
            order_id="o", customer=command().customer, lines=(), currency="EUR", payment_terms="invoice"
        )
    with pytest.raises(InvalidOrder):
        command(terms="cash")


def test_payments_move_issued_to_partially_paid_to_paid_and_record_invoice_paid_once():
    issued = invoice(line(1, "100.00"))  # gross 120.00
    issued.events.clear()

    first = issued.apply_payment(Decimal("50.00"))
    assert issued.status is InvoiceStatus.PARTIALLY_PAID and first.applied == Decimal("50.00")
    second = issued.apply_payment(Decimal("70.00"))
    assert issued.status is InvoiceStatus.PAID and second.unapplied == 0
    third = issued.apply_payment(Decimal("5.00"))

    assert third.applied == 0 and third.unapplied == Decimal("5.00")
    assert issued.overpaid_amount == Decimal("5.00") and issued.amount_due == 0
    assert [type(e) for e in issued.events] == [InvoicePaid]


def test_an_overpayment_at_once_pays_and_keeps_the_excess():
    issued = invoice(line(1, "10.00"))

    result = issued.apply_payment(Decimal("15.00"))

    assert issued.status is InvoiceStatus.PAID
    assert (result.applied, result.unapplied) == (Decimal("12.00"), Decimal("3.00"))


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1")])
def test_a_payment_must_be_positive(amount):
    with pytest.raises(ValueError):
        invoice().apply_payment(amount)


def test_open_statuses_are_issued_and_partially_paid():
    assert {s for s in InvoiceStatus if s.is_open} == {InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID}
