"""Ledger use cases: post billing events to the journal, read the chart, the trial balance and the journal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID, uuid5

from tandem.ledger.domain.commands import PostingCommand
from tandem.ledger.domain.errors import EntryAlreadyPosted
from tandem.ledger.domain.model import CHART, Account, JournalEntry, TrialBalance, entry_id_for, require_currency
from tandem.ledger.ports import UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import InvalidPageToken, TransactionConflict
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

    def post_billing_event(self, command: PostingCommand, context: MessageContext) -> PostingResult:
        """Post the journal entry for one billing event, exactly once.

        The entry id derives from the source event id and is written on condition that it is new, in
        the same transaction as the balance increments and the JournalPosted outbox item: a redelivered
        event cancels the whole transaction and changes nothing. A transaction conflict (another posting
        touched the same balances) is retried ``POSTING_ATTEMPTS`` times, then raised (Lambda retries).
        """
        require_currency(command.currency, self.base_currency)
        lines = command.lines()
        if not lines:
            return PostingResult(entry_id_for(command.source_event_id), PostingOutcome.NOTHING_TO_POST)
        entry = JournalEntry.post(
            lines,
            source_event_id=command.source_event_id,
            source_event_type=command.source_event_type,
            currency=command.currency,
            posted_at=self.clock.now(),
        )
        # Deterministic event ids too: a retried transaction records the same outbox item.
        envelopes = [
            Envelope.wrap(event, context, occurred_at=entry.posted_at, event_id=uuid5(entry.id, event.event_type))
            for event in entry.events
        ]
        return retrying(
            lambda: self._store(entry, envelopes),
            on=(TransactionConflict,),
            attempts=POSTING_ATTEMPTS,
            sleep=self.clock.sleep,
        )

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
