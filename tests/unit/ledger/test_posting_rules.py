"""Which accounts each billing event moves (docs/order-to-cash.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
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


def test_prepayment_is_owed_to_the_customer_until_an_invoice_takes_it():
    assert _sides(rules.payment_received(amount=D("36.00"), applied_to_invoice=False)) == [
        ("1000", D("36.00"), 0),
        ("2100", 0, D("36.00")),
    ]
    assert _sides(rules.prepayment_applied(amount=D("36.00"))) == [("2100", D("36.00"), 0), ("1200", 0, D("36.00"))]


def test_unmatched_money_sits_on_suspense_until_applied_to_an_invoice():
    assert _sides(rules.payment_unmatched(amount=D("50.00"))) == [("1000", D("50.00"), 0), ("2900", 0, D("50.00"))]
    assert _sides(rules.unmatched_payment_applied(amount=D("50.00"))) == [
        ("2900", D("50.00"), 0),
        ("1200", 0, D("50.00")),
    ]


@pytest.mark.parametrize(
    ("source", "account"),
    [
        (rules.RefundSource.ORDER_PREPAYMENT, "2100"),
        (rules.RefundSource.INVOICE_CREDIT, "1200"),
        (rules.RefundSource.UNMATCHED_PAYMENT, "2900"),
    ],
)
def test_refund_paid_leaves_the_bank_from_the_account_the_money_sat_on(source, account):
    assert _sides(rules.refund_paid(amount=D("15.00"), source=source)) == [
        (account, D("15.00"), 0),
        ("1000", 0, D("15.00")),
    ]
