"""Whatever billing sends, in whatever order, the books balance and receivables add up."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.ledger import service
from tandem.ledger.domain.commands import PostCreditNoteIssued, PostInvoiceIssued, PostPaymentReceived
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from .fakes import FakeLedger

CONTEXT = MessageContext(correlation_id="c", causation_id="c")
cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def documents(draw):
    net, tax = draw(cents), draw(cents)
    kind = draw(st.sampled_from([PostInvoiceIssued, PostCreditNoteIssued]))
    return kind(source_event_id=uuid4(), currency="EUR", net_total=net, tax_total=tax, gross_total=net + tax)


payments = st.builds(lambda amount: PostPaymentReceived(source_event_id=uuid4(), currency="EUR", amount=amount), cents)
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

    once = {c.source_event_id: c for c in commands}.values()
    gross = sum((c.gross_total for c in once if isinstance(c, PostInvoiceIssued)), Decimal(0))
    credited = sum((c.gross_total for c in once if isinstance(c, PostCreditNoteIssued)), Decimal(0))
    paid = sum((c.amount for c in once if isinstance(c, PostPaymentReceived)), Decimal(0))
    assert trial.total_debit == trial.total_credit and trial.balanced
    assert trial.balance_of("1200") == gross - credited - paid
    assert trial.balance_of("1000") == paid
