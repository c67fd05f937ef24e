"""Receivables by customer and age, and the VAT report: with mixed invoices, payments, credit notes, prepayments,
unmatched payments and refunds, both reconcile to the trial balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tandem.ledger import service
from tandem.ledger.domain.reports import AgeingBucket
from tandem.ledger.domain.rules import RefundSource
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from . import builders
from .builders import vat

D = Decimal
CONTEXT = MessageContext(correlation_id="c", causation_id="c")
AS_OF = date(2027, 3, 1)


def _books():
    from .fakes import FakeLedger

    ledger = FakeLedger()
    clock = Clock(now=lambda: datetime(2027, 3, 1, 9, tzinfo=UTC), sleep=lambda _: None)
    ledger_service = service.LedgerService(ledger.unit_of_work, clock, base_currency="EUR")

    def post(*commands):
        for command in commands:
            ledger_service.post_billing_event(command, CONTEXT)

    return ledger_service, post


def _mixed_november(post):
    """Two customers, two rates, every kind of money movement, all dated in November 2026."""
    ada_old = builders.invoice(
        "120.00",
        "100.00",
        "20.00",
        email="ada@example.com",
        issued=date(2026, 11, 2),
        terms_days=14,  # due 16 Nov: 105 days overdue on 1 March
        number="INV-2026-000001",
    )
    ada_new = builders.invoice(
        "33.00",
        "30.00",
        "3.00",
        email="ada@example.com",
        issued=date(2026, 11, 20),
        terms_days=90,  # due 18 Feb: 11 days overdue
        breakdown=[vat("30.00", "3.00", rate="0.10", category="reduced")],
        number="INV-2026-000002",
    )
    bob = builders.invoice(
        "64.00",
        "55.00",
        "9.00",  # two rates on one invoice
        email="bob@example.com",
        issued=date(2026, 11, 25),
        terms_days=120,  # due 25 March: not yet due
        breakdown=[vat("35.00", "7.00"), vat("20.00", "2.00", rate="0.10", category="reduced")],
        number="INV-2026-000003",
    )
    held = builders.unmatched("10.00")
    post(
        ada_old,
        builders.payment("50.00", of=ada_old),  # partly paid: 70.00 open
        ada_new,
        builders.credit_note(ada_new, "11.00", "10.00", "1.00", breakdown=[vat("10.00", "1.00", "0.10", "reduced")]),
        bob,
        builders.payment("20.00", email="bob@example.com"),  # prepaid
        builders.prepayment_applied(bob, "20.00"),
        held,
        builders.unmatched_applied(held, bob),  # 64 - 20 - 10 = 34.00 open
        builders.payment("15.00", of=ada_new),  # 33 - 11 - 15 = 7.00 open
    )
    # Carol paid an invoice, it was credited in full, and the money was refunded: nothing left.
    carol = builders.invoice("24.00", "20.00", "4.00", email="carol@example.com", issued=date(2026, 11, 5))
    post(
        carol,
        builders.payment("24.00", of=carol),
        builders.credit_note(carol, "24.00", "20.00", "4.00"),
        builders.refund_paid("24.00", RefundSource.INVOICE_CREDIT, email="carol@example.com"),
    )
    # Dan overpaid by 5.00 and has not been refunded yet: he holds a credit.
    dan = builders.invoice("12.00", "10.00", "2.00", email="dan@example.com", issued=date(2026, 11, 6))
    post(dan, builders.payment("17.00", of=dan))
    # A prepayment on an order later cancelled, refunded from customer advances.
    post(
        builders.payment("30.00", email="eve@example.com"),
        builders.refund_paid("30.00", RefundSource.ORDER_PREPAYMENT, email="eve@example.com"),
    )


def test_receivables_age_each_customers_open_invoices_and_reconcile_to_account_1200():
    ledger_service, post = _books()
    _mixed_november(post)

    report = ledger_service.receivables(AS_OF)
    trial = ledger_service.trial_balance()

    by_party = {c.party: c for c in report.customers}
    assert set(by_party) == {"ada@example.com", "bob@example.com", "dan@example.com"}  # carol and eve are settled
    ada = by_party["ada@example.com"]
    assert [(a.item.number, a.item.amount, a.bucket) for a in ada.items] == [
        ("INV-2026-000001", D("70.00"), AgeingBucket.OVER_90),
        ("INV-2026-000002", D("7.00"), AgeingBucket.DAYS_1_30),
    ]
    assert ada.items[0].days_overdue == 105 and ada.balance == D("77.00")
    bob = by_party["bob@example.com"]
    assert bob.buckets[AgeingBucket.CURRENT] == D("34.00") and bob.items[0].days_overdue == -24
    dan = by_party["dan@example.com"]
    assert dan.items == [] and dan.unallocated == D("-5.00") and dan.balance == D("-5.00")
    assert report.total == D("106.00") == trial.balance_of("1200") == report.account_balance
    assert report.reconciled
    assert trial.balance_of("2100") == 0 and trial.balance_of("2900") == 0 and trial.balanced


def test_ageing_moves_with_the_as_of_day():
    ledger_service, post = _books()
    _mixed_november(post)

    report = ledger_service.receivables(date(2026, 11, 30))

    assert report.buckets[AgeingBucket.DAYS_1_30] == D("70.00")  # INV-1 due 16 Nov: 14 days late
    assert report.buckets[AgeingBucket.OVER_90] == 0 and report.reconciled


def test_vat_report_gives_output_vat_by_rate_and_reconciles_to_account_2200():
    ledger_service, post = _books()
    _mixed_november(post)

    report = ledger_service.vat_report("2026-11")
    trial = ledger_service.trial_balance()

    rows = {(r.tax_category, r.tax_rate): (r.taxable, r.tax) for r in report.rates}
    assert rows[("reduced", D("0.10"))] == (D("40.00"), D("4.00"))  # ada 30 - 10 credited, bob 20
    assert rows[("standard", D("0.20"))] == (D("145.00"), D("29.00"))  # 100 + 35 + 20 - 20 credited + 10
    assert report.tax_total == report.account_movement == trial.balance_of("2200") == D("33.00")
    assert report.taxable_total == D("185.00") and report.reconciled
    assert [r.tax_rate for r in report.rates] == sorted((r.tax_rate for r in report.rates), reverse=True)


def test_vat_report_of_another_period_is_empty_and_reconciled():
    ledger_service, post = _books()
    _mixed_november(post)

    report = ledger_service.vat_report("2026-10")

    assert report.rates == () and report.tax_total == 0 and report.reconciled
