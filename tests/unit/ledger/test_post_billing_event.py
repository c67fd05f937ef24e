"""Posting a billing event: once per event, in the base currency, retried on transaction conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import get_args

import pytest
from tandem.ledger import service
from tandem.ledger.api_models import SourceEventType
from tandem.ledger.domain.commands import POSTING_COMMANDS
from tandem.ledger.domain.errors import UnbalancedEntry, UnsupportedCurrency
from tandem.ledger.inbound import PAYROLL_POSTED_EVENT_TYPES, POSTED_EVENT_TYPES
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import TransactionConflict

from . import builders
from .fakes import FakeLedger

D = Decimal
CONTEXT = MessageContext(correlation_id="corr-1", causation_id="cause-1")
NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)


def _ledger_service(ledger: FakeLedger, pauses: list[float] | None = None) -> service.LedgerService:
    clock = Clock(now=lambda: NOW, sleep=(pauses if pauses is not None else []).append)
    return service.LedgerService(ledger.unit_of_work, clock, base_currency="EUR")


def _post(ledger: FakeLedger, command):
    pauses: list[float] = []
    result = _ledger_service(ledger, pauses).post_billing_event(command, CONTEXT)
    return result, pauses


def _invoice(gross="36.00", net="30.00", tax="6.00", currency="EUR", event_id=None):
    return builders.invoice(gross, net, tax, currency=currency, event_id=event_id)


def test_invoice_is_posted_with_its_journal_posted_event_in_the_outbox():
    ledger = FakeLedger()
    command = _invoice()

    result, _ = _post(ledger, command)

    assert result.posted
    [entry] = ledger.entries.values()
    assert entry.source_event_id == command.source_event_id and entry.source_event_type == "InvoiceIssued"
    [envelope] = ledger.outbox
    assert envelope.metadata.event_type == "JournalPosted"
    assert envelope.metadata.correlation_id == "corr-1"
    assert envelope.data.entry_id == result.entry_id


def test_the_same_event_twice_posts_once():
    ledger = FakeLedger()
    command = _invoice()

    first, _ = _post(ledger, command)
    second, _ = _post(ledger, command)

    assert first.posted and not second.posted and second.reason == "already_posted"
    assert second.entry_id == first.entry_id
    assert len(ledger.entries) == 1 and len(ledger.outbox) == 1
    assert ledger.totals["1200"] == (D("36.00"), D(0))


def test_invoice_in_another_currency_is_refused_and_nothing_is_written():
    ledger = FakeLedger()
    with pytest.raises(UnsupportedCurrency):
        _post(ledger, _invoice(currency="USD"))
    assert ledger.commits == 0


def test_invoice_whose_totals_do_not_add_up_is_refused():
    ledger = FakeLedger()
    with pytest.raises(UnbalancedEntry):
        _post(ledger, _invoice(gross="36.01"))
    assert ledger.commits == 0


def test_zero_payment_posts_nothing():
    ledger = FakeLedger()
    result, _ = _post(ledger, builders.payment("0"))
    assert not result.posted and result.reason == "nothing_to_post" and ledger.commits == 0


def test_transaction_conflict_is_retried_after_a_short_jittered_pause():
    ledger = FakeLedger()
    ledger.conflicts_to_raise = 2

    result, pauses = _post(ledger, _invoice())

    assert result.posted and len(pauses) == 2
    assert all(0 < pause <= 0.5 for pause in pauses)


def test_conflict_that_persists_is_raised_for_lambda_to_retry():
    ledger = FakeLedger()
    ledger.conflicts_to_raise = service.POSTING_ATTEMPTS

    with pytest.raises(TransactionConflict):
        _post(ledger, _invoice())
    assert ledger.commits == 0


def test_credit_note_and_payment_settle_the_receivable():
    ledger = FakeLedger()
    invoice = _invoice()
    _post(ledger, invoice)
    _post(ledger, builders.credit_note(invoice))
    _post(ledger, builders.payment("24.00", of=invoice))

    trial = _ledger_service(ledger).trial_balance()

    assert trial.balance_of("1200") == 0
    assert trial.balance_of("1000") == D("24.00")
    assert trial.balance_of("4000") == D("20.00") and trial.balance_of("2200") == D("4.00")
    assert trial.balanced


def test_the_api_names_every_event_type_the_ledger_posts():
    posted = {*POSTED_EVENT_TYPES, *PAYROLL_POSTED_EVENT_TYPES}
    assert set(get_args(SourceEventType)) == posted == {c.source_event_type for c in POSTING_COMMANDS}
