"""Ledger use cases: post billing and payroll events to the journal; read the chart, the trial balance, the journal,
receivables by age and the VAT report; close periods."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID, uuid5

from tandem.ledger.domain import reports
from tandem.ledger.domain.commands import PostingCommand
from tandem.ledger.domain.errors import EntryAlreadyPosted, PeriodNotEnded
from tandem.ledger.domain.model import (
    CHART,
    RECEIVABLES,
    Account,
    ClosedPeriod,
    JournalEntry,
    Period,
    TrialBalance,
    entry_id_for,
    posting_date,
    require_currency,
)
from tandem.ledger.ports import UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import ConditionFailed, InvalidPageToken, TransactionConflict
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

# Every posting updates the same few balance items (Receivables above all), so concurrent postings
# collide; a few short jittered retries absorb that, after which the error reaches Lambda, which retries.
POSTING_ATTEMPTS = 4


class PostingOutcome(StrEnum):
    POSTED = "posted"
    ALREADY_POSTED = "already_posted"  # a redelivered event: its entry exists
    NOTHING_TO_POST = "nothing_to_post"  # every amount of the document is zero


@dataclass(frozen=True, slots=True)
class PostingResult:
    entry_id: UUID
    reason: PostingOutcome

    @property
    def posted(self) -> bool:
        return self.reason is PostingOutcome.POSTED


class LedgerService:
    """The ledger's use cases, kept in ``base_currency``; a new unit of work per call."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock, *, base_currency: str) -> None:
        self.uow = uow
        self.clock = clock
        self.base_currency = base_currency

    def post_event(self, command: PostingCommand, context: MessageContext) -> PostingResult:
        """Post the journal entry for one billing or payroll event, exactly once, dated with its document's date.

        The entry counts in the period of its document's date, or in the first open period after it when
        that one is closed (the document's date stays on the entry). Its id derives from the source event
        id and is written on condition that it is new, in the same transaction as the balance increments,
        its receivables item, its VAT by rate, a check that its posting period is still open and the
        JournalPosted outbox item: a redelivered event cancels the whole transaction and changes nothing. A
        transaction conflict (another posting touched the same balances, or the period was closed meanwhile)
        is retried with fresh reads ``POSTING_ATTEMPTS`` times, then raised (Lambda retries).
        """
        require_currency(command.currency, self.base_currency)
        posting = command.posting(self.clock.zone)
        if not posting.lines:
            return PostingResult(entry_id_for(command.source_event_id), PostingOutcome.NOTHING_TO_POST)
        posted_at = self.clock.now()

        def attempt() -> PostingResult:
            with self.uow() as uow:
                closed = uow.periods.closed()
            entry = JournalEntry.post(
                posting.lines,
                source_event_id=command.source_event_id,
                source_event_type=command.source_event_type,
                currency=command.currency,
                posted_at=posted_at,
                document=posting.document,
                party=posting.party,
                posting_date=posting_date(posting.document.date, closed),
                open_item=posting.open_item,
                vat=posting.vat,
            )
            # Deterministic event ids too: a retried transaction records the same outbox item.
            envelopes = [
                Envelope.wrap(event, context, occurred_at=posted_at, event_id=uuid5(entry.id, event.event_type))
                for event in entry.events
            ]
            return self._store(entry, envelopes)

        return retrying(attempt, on=(TransactionConflict,), attempts=POSTING_ATTEMPTS, sleep=self.clock.sleep)

    # What the two consumers call: one use case, whichever context the event came from.
    post_billing_event = post_event
    post_payroll_event = post_event

    def _store(self, entry: JournalEntry, envelopes: list[Envelope[DomainEvent]]) -> PostingResult:
        try:
            with self.uow() as uow:
                uow.journal.add(entry)
                for envelope in envelopes:
                    uow.record(envelope)
                uow.commit()
        except EntryAlreadyPosted:
            return PostingResult(entry.id, PostingOutcome.ALREADY_POSTED)
        return PostingResult(entry.id, PostingOutcome.POSTED)

    def chart_of_accounts(self, limit: int, cursor: str | None = None) -> Page[Account]:
        """The chart by code, ``limit`` accounts a page. The page token is the code of the previous page's
        last account; anything else (a code that is not in the chart) is ``InvalidPageToken``."""
        codes = [account.code for account in CHART]
        if cursor is not None and cursor not in codes[:-1]:
            raise InvalidPageToken()
        start = 0 if cursor is None else codes.index(cursor) + 1
        accounts = list(CHART[start : start + limit])
        return Page(items=accounts, cursor=accounts[-1].code if start + limit < len(CHART) else None)

    def trial_balance(self) -> TrialBalance:
        """Every account of the chart with its debit and credit totals, from the balance items."""
        with self.uow() as uow:
            return TrialBalance.of(uow.journal.account_totals(), self.base_currency)

    def list_journal(self, limit: int, cursor: str | None = None) -> Page[JournalEntry]:
        """Journal entries, newest first."""
        with self.uow() as uow:
            return uow.journal.list_newest(limit, cursor)

    def receivables(self, as_of: date | None = None) -> reports.ReceivablesReport:
        """Open items per customer aged as of ``as_of`` (default: today in the business time zone), with
        account 1200's balance they reconcile to. The items are today's: ``as_of`` moves the ageing day only."""
        with self.uow() as uow:
            items = uow.journal.open_items()
            totals = uow.journal.account_totals()
        trial = TrialBalance.of(totals, self.base_currency)
        return reports.receivables(
            items,
            as_of=as_of or self.clock.today(),
            currency=self.base_currency,
            account_balance=trial.balance_of(RECEIVABLES),
        )

    def vat_report(self, period_text: str) -> reports.VatReport:
        """Output VAT by rate and taxable base of the entries posted in ``YYYY-MM``, with account 2200's
        movement in that period they reconcile to (InvalidPeriod for anything else)."""
        period = Period.parse(period_text)
        with self.uow() as uow:
            rates = uow.journal.vat_totals(period)
            totals = uow.journal.period_totals(period)
        return reports.vat_report(period, rates, currency=self.base_currency, totals=totals)

    def close_period(self, period_text: str, caller: str) -> ClosedPeriod:
        """Lock ``YYYY-MM``: from then on entries dated in it are posted on the first day of the next open
        period. Only a period that has ended (in the business time zone) can be closed (PeriodNotEnded);
        closing a closed period again changes nothing and answers as the first close did."""
        period = Period.parse(period_text)
        if period.last_day >= self.clock.today():
            raise PeriodNotEnded(details={"period": str(period), "ends_on": period.last_day.isoformat()})
        with self.uow() as uow:
            existing = uow.periods.get(period)
            if existing is not None:
                return existing
            closing = ClosedPeriod(period, closed_at=self.clock.now(), closed_by=caller)
            uow.periods.close(closing)
            try:
                uow.commit()
            except ConditionFailed:  # closed meanwhile by another request: answer as it did
                pass
            else:
                return closing
        with self.uow() as uow:
            found = uow.periods.get(period)
        if found is None:  # pragma: no cover - the condition failed because the item exists
            raise TransactionConflict()
        return found
