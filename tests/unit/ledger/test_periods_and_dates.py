"""Entries are dated with their document's date in the business time zone; a closed period takes no
postings: a document dated in it is posted on the first day of the next open period, keeping its date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from tandem.ledger import service
from tandem.ledger.domain.errors import InvalidPeriod, PeriodNotEnded
from tandem.ledger.domain.model import Period, posting_date
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from . import builders
from .fakes import FakeLedger

CONTEXT = MessageContext(correlation_id="c", causation_id="c")
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 2, 3, 10, 0, tzinfo=UTC)  # the consumer runs long after the documents


def _service(ledger: FakeLedger, now: datetime = NOW) -> service.LedgerService:
    return service.LedgerService(
        ledger.unit_of_work, Clock(now=lambda: now, sleep=lambda _: None, zone=PARIS), base_currency="EUR"
    )


def _entry(ledger: FakeLedger, command):
    return ledger.entries[_service(ledger).post_billing_event(command, CONTEXT).entry_id]


@pytest.mark.parametrize("text", ["2026-1", "2026-13", "2026-00", "26-01", "2026/01", "", "0999-01", "2026-01x"])
def test_a_period_is_a_month_written_yyyy_mm(text):
    with pytest.raises(InvalidPeriod):
        Period.parse(text)


def test_period_arithmetic_crosses_the_year():
    assert Period.parse("2026-12").next() == Period(2027, 1)
    assert Period.parse("2028-02").last_day == date(2028, 2, 29)
    assert str(Period(2026, 3)) == "2026-03"


def test_posting_date_is_the_document_date_while_its_period_is_open():
    assert posting_date(date(2026, 12, 31), frozenset()) == date(2026, 12, 31)


def test_posting_date_moves_to_the_first_day_of_the_next_open_period():
    closed = frozenset({Period(2026, 12), Period(2027, 1)})
    assert posting_date(date(2026, 12, 31), closed) == date(2027, 2, 1)
    assert posting_date(date(2026, 11, 30), closed) == date(2026, 11, 30)


def test_an_entry_is_dated_with_its_documents_date_not_when_the_consumer_runs():
    ledger = FakeLedger()
    entry = _entry(ledger, builders.invoice(issued=date(2026, 12, 31)))
    assert entry.document.date == entry.posting_date == date(2026, 12, 31)
    assert entry.posted_at == NOW and entry.period == Period(2026, 12)
    [posted] = ledger.outbox
    assert posted.data.posting_date == date(2026, 12, 31) and posted.data.document_type == "invoice"


def test_a_payment_is_dated_with_the_day_it_was_received_in_the_business_time_zone():
    ledger = FakeLedger()
    late_evening = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Paris
    entry = _entry(ledger, builders.payment("10.00", email="ada@example.com", received_at=late_evening))
    assert entry.document.date == entry.posting_date == date(2027, 1, 1)
    assert entry.party == "ada@example.com"


def test_an_entry_carries_its_document_and_party():
    ledger = FakeLedger()
    invoice = builders.invoice(number="INV-2026-000042")
    entry = _entry(ledger, builders.credit_note(invoice))
    assert entry.document.type == "credit_note" and entry.document.number.startswith("CN-2026-")
    assert entry.party == "ada@example.com" and entry.open_item.invoice_id == invoice.invoice_id


def test_a_document_dated_in_a_closed_period_is_posted_in_the_next_open_one_keeping_its_date():
    ledger = FakeLedger()
    ledger_service = _service(ledger)
    ledger_service.close_period("2026-12", "finance@example.com")

    entry = _entry(ledger, builders.invoice(issued=date(2026, 12, 31)))

    assert entry.document.date == date(2026, 12, 31) and entry.posting_date == date(2027, 1, 1)
    assert ledger_service.vat_report("2026-12").rates == ()
    january = ledger_service.vat_report("2027-01")
    assert january.tax_total == builders.D("6.00") and january.reconciled


def test_a_period_closed_while_posting_is_retried_into_the_next_open_one():
    ledger = FakeLedger()
    ledger.close_during_next_commit = Period(2026, 12)

    entry = _entry(ledger, builders.invoice(issued=date(2026, 12, 31)))

    assert entry.posting_date == date(2027, 1, 1) and ledger.commits == 1


def test_a_redelivered_event_after_its_period_closed_still_posts_once():
    ledger = FakeLedger()
    invoice = builders.invoice(issued=date(2026, 12, 31))
    _entry(ledger, invoice)
    _service(ledger).close_period("2026-12", "finance@example.com")

    again = _service(ledger).post_billing_event(invoice, CONTEXT)

    assert again.reason == "already_posted" and len(ledger.entries) == 1


def test_only_a_period_that_has_ended_in_the_business_time_zone_can_be_closed():
    ledger = FakeLedger()
    new_year_in_paris = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with pytest.raises(PeriodNotEnded):
        _service(ledger, datetime(2026, 12, 31, 22, 59, tzinfo=UTC)).close_period("2026-12", "f")
    closed = _service(ledger, new_year_in_paris).close_period("2026-12", "finance@example.com")
    assert closed.period == Period(2026, 12) and closed.closed_by == "finance@example.com"


def test_closing_a_closed_period_again_answers_as_the_first_close_did():
    ledger = FakeLedger()
    first = _service(ledger).close_period("2026-12", "first@example.com")
    second = _service(ledger, datetime(2027, 3, 1, tzinfo=UTC)).close_period("2026-12", "second@example.com")
    assert second == first and len(ledger.closed) == 1
