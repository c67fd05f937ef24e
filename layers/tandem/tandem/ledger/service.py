"""Ledger use cases. Each takes its ports (unit of work, reader) as arguments."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid5

from tandem.ledger.domain.commands import PostingCommand
from tandem.ledger.domain.errors import EntryAlreadyPosted
from tandem.ledger.domain.events import JournalPosted
from tandem.ledger.domain.model import (
    CHART,
    Account,
    JournalEntry,
    JournalPage,
    TrialBalance,
    entry_id_for,
    require_currency,
)
from tandem.shared.clock import utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying

# Every posting updates the same few balance items (Receivables above all), so concurrent postings
# collide; a few short jittered retries absorb that, after which the error reaches Lambda, which retries.
POSTING_ATTEMPTS = 4


class LedgerUnitOfWork(Protocol):
    """Collects an entry, its balance increments and its events; writes all or nothing on commit."""

    def __enter__(self) -> LedgerUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def add_entry(self, entry: JournalEntry) -> None: ...
    def record(self, envelope: Envelope[JournalPosted]) -> None: ...
    def commit(self) -> None: ...  # EntryAlreadyPosted for a repeat, TransactionConflict on a race


class LedgerReader(Protocol):
    def account_totals(self) -> dict[str, tuple[Any, Any]]: ...
    def list_newest(self, *, limit: int, cursor: str | None) -> JournalPage: ...


@dataclass(frozen=True, slots=True)
class PostingResult:
    entry_id: UUID
    posted: bool  # False: already posted (a redelivery) or nothing to post (all amounts zero)
    reason: str = "posted"


def post_billing_event(
    command: PostingCommand, unit_of_work: Callable[[], LedgerUnitOfWork], context: MessageContext, *,
    base_currency: str, now: Callable[[], datetime] = utcnow, sleep: Callable[[float], Any] = time.sleep,
) -> PostingResult:
    """Post the journal entry for one billing event, exactly once.

    The entry id derives from the source event id and is written on condition that it is new, in
    the same transaction as the balance increments and the JournalPosted outbox item: a redelivered
    event cancels the whole transaction and changes nothing. A transaction conflict (another posting
    touched the same balances) is retried ``POSTING_ATTEMPTS`` times, then raised (Lambda retries).
    """
    require_currency(command.currency, base_currency)
    lines = command.lines()
    if not lines:
        return PostingResult(entry_id_for(command.source_event_id), posted=False, reason="nothing_to_post")
    entry = JournalEntry.post(lines, source_event_id=command.source_event_id,
                              source_event_type=command.source_event_type, currency=command.currency,
                              posted_at=now())
    # Deterministic event ids too: a retried transaction records the same outbox item.
    envelopes = [Envelope.wrap(event, context, occurred_at=entry.posted_at,
                               event_id=uuid5(entry.id, event.event_type)) for event in entry.events]
    return retrying(lambda: _store(entry, envelopes, unit_of_work()), on=(TransactionConflict,),
                    attempts=POSTING_ATTEMPTS, sleep=sleep)


def _store(entry: JournalEntry, envelopes: list[Envelope[Any]], uow: LedgerUnitOfWork) -> PostingResult:
    try:
        with uow:
            uow.add_entry(entry)
            for envelope in envelopes:
                uow.record(envelope)
            uow.commit()
    except EntryAlreadyPosted:
        return PostingResult(entry.id, posted=False, reason="already_posted")
    return PostingResult(entry.id, posted=True)


def chart_of_accounts() -> tuple[Account, ...]:
    return CHART


def trial_balance(reader: LedgerReader, *, currency: str) -> TrialBalance:
    """Every account of the chart with its debit and credit totals, from the balance items."""
    return TrialBalance.of(reader.account_totals(), currency)


def list_journal(reader: LedgerReader, *, limit: int, cursor: str | None = None) -> JournalPage:
    return reader.list_newest(limit=limit, cursor=cursor)
