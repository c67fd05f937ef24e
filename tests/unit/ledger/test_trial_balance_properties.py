"""Whatever billing sends, in whatever order, the books balance, receivables add up, and the receivables
ledger and the VAT report reconcile to the trial balance."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.ledger import service
from tandem.ledger.domain.commands import (
    PostCreditNoteIssued,
    PostInvoiceIssued,
    PostPaymentReceived,
    PostPaymentUnmatched,
    PostPrepaymentApplied,
    PostRefundPaid,
    PostUnmatchedPaymentApplied,
)
from tandem.ledger.domain.model import Period
from tandem.ledger.domain.rules import RefundSource
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from . import builders
from .fakes import FakeLedger

CONTEXT = MessageContext(correlation_id="c", causation_id="c")
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n).scaleb(-2))


INVOICES = [builders.invoice(email=email, number=f"INV-{n}") for n, email in enumerate(["a@x.io", "b@x.io"] * 2)]


@st.composite
def documents(draw):
    net, tax = draw(cents), draw(cents)
    of = draw(st.sampled_from(INVOICES))
    if draw(st.booleans()):
        return builders.invoice(str(net + tax), str(net), str(tax), email=of.customer_email)
    return builders.credit_note(of, str(net + tax), str(net), str(tax))


@st.composite
def money_movements(draw):
    amount, of = str(draw(cents)), draw(st.sampled_from(INVOICES))
    kind = draw(st.sampled_from(["paid", "prepaid", "applied", "unmatched", "moved", "refund"]))
    if kind == "paid":
        return builders.payment(amount, of=of)
    if kind == "prepaid":
        return builders.payment(amount, email=of.customer_email)
    if kind == "applied":
        return builders.prepayment_applied(of, amount)
    if kind == "unmatched":
        return builders.unmatched(amount)
    if kind == "moved":
        return builders.unmatched_applied(builders.unmatched(amount), of)
    return builders.refund_paid(amount, draw(st.sampled_from(list(RefundSource))), email=of.customer_email)


payments = money_movements()
# Redeliveries are part of the sequence: an event may come again later.
postings = st.lists(st.one_of(documents(), payments), max_size=25).flatmap(
    lambda cmds: st.lists(st.sampled_from(cmds), max_size=10).map(lambda again: cmds + again) if cmds else st.just(cmds)
)


@settings(max_examples=200, deadline=None)
@given(postings)
def test_any_sequence_of_postings_keeps_the_trial_balance_balanced(commands):
    ledger = FakeLedger()
    ledger_service = service.LedgerService(
        ledger.unit_of_work, Clock(now=lambda: datetime.now(UTC), sleep=lambda _: None), base_currency="EUR"
    )
    for command in commands:
        ledger_service.post_billing_event(command, CONTEXT)

    trial = ledger_service.trial_balance()

    once = list({c.source_event_id: c for c in commands}.values())

    def total(kind, attribute="amount", where=lambda c: True):
        return sum((getattr(c, attribute) for c in once if isinstance(c, kind) and where(c)), Decimal(0))

    gross, credited = total(PostInvoiceIssued, "gross_total"), total(PostCreditNoteIssued, "gross_total")
    paid = total(PostPaymentReceived, where=lambda c: c.invoice_id is not None)
    prepaid = total(PostPaymentReceived, where=lambda c: c.invoice_id is None)
    applied, unmatched = total(PostPrepaymentApplied), total(PostPaymentUnmatched)
    moved = total(PostUnmatchedPaymentApplied)

    def refunded(source):
        return total(PostRefundPaid, where=lambda c: c.source is source)

    assert trial.total_debit == trial.total_credit and trial.balanced
    assert trial.balance_of("1200") == (
        gross - credited - paid - applied - moved + refunded(RefundSource.INVOICE_CREDIT)
    )
    assert trial.balance_of("2100") == prepaid - applied - refunded(RefundSource.ORDER_PREPAYMENT)
    assert trial.balance_of("2900") == unmatched - moved - refunded(RefundSource.UNMATCHED_PAYMENT)
    assert trial.balance_of("1000") == paid + prepaid + unmatched - sum(map(refunded, RefundSource), Decimal(0))
    # The receivables ledger and the VAT report reconcile to the trial balance, whatever came in.
    assert ledger_service.receivables().reconciled
    assert ledger_service.receivables().total == trial.balance_of("1200")
    vat = ledger_service.vat_report(str(Period(2026, 11)))
    assert vat.reconciled and vat.tax_total == trial.balance_of("2200")
