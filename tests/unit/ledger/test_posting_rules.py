"""Which accounts each billing event moves (docs/order-to-cash.md)."""

from __future__ import annotations

from decimal import Decimal

from tandem.ledger.domain import rules

D = Decimal


def _sides(lines):
    return [(line.account, line.debit, line.credit) for line in lines]


def test_invoice_debits_receivables_gross_and_credits_revenue_net_and_vat_tax():
    lines = rules.invoice_issued(net_total=D("30.00"), tax_total=D("6.00"), gross_total=D("36.00"))
    assert _sides(lines) == [("1200", D("36.00"), 0), ("4000", 0, D("30.00")), ("2200", 0, D("6.00"))]


def test_invoice_without_vat_has_no_vat_line():
    lines = rules.invoice_issued(net_total=D("10.00"), tax_total=D("0.00"), gross_total=D("10.00"))
    assert _sides(lines) == [("1200", D("10.00"), 0), ("4000", 0, D("10.00"))]


def test_credit_note_reverses_the_invoice():
    lines = rules.credit_note_issued(net_total=D("10.00"), tax_total=D("2.00"), gross_total=D("12.00"))
    assert _sides(lines) == [("4000", D("10.00"), 0), ("2200", D("2.00"), 0), ("1200", 0, D("12.00"))]


def test_payment_debits_bank_and_credits_receivables():
    lines = rules.payment_received(amount=D("24.00"))
    assert _sides(lines) == [("1000", D("24.00"), 0), ("1200", 0, D("24.00"))]


def test_document_with_only_zero_amounts_gives_no_lines():
    assert rules.invoice_issued(net_total=D(0), tax_total=D(0), gross_total=D(0)) == ()
