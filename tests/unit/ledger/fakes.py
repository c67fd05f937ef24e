"""In-memory ports of the ledger service, with the same all-or-nothing and once-only behaviour."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tandem.ledger.domain.errors import EntryAlreadyPosted
from tandem.ledger.domain.model import JournalEntry
from tandem.shared.errors import TransactionConflict
from tandem.shared.paging import Page


class FakeLedger:
    """The table: entries by id, balance totals by account, published outbox envelopes."""

    def __init__(self) -> None:
        self.entries: dict[Any, JournalEntry] = {}
        self.totals: dict[str, tuple[Decimal, Decimal]] = {}
        self.outbox: list[Any] = []
        self.conflicts_to_raise = 0
        self.commits = 0

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


class FakeJournal:
    """The unit of work's repository: reads the committed table, collects the entry to add."""

    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.added: JournalEntry | None = None

    def add(self, entry: JournalEntry) -> None:
        self.added = entry

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        return dict(self.ledger.totals)

    def list_newest(self, limit: int, cursor: str | None) -> Page[JournalEntry]:
        ordered = sorted(self.ledger.entries.values(), key=lambda e: (e.posted_at, str(e.id)), reverse=True)
        return Page(items=ordered[:limit])


class FakeUnitOfWork:
    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.journal = FakeJournal(ledger)
        self.envelopes: list[Any] = []

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.journal.added, self.envelopes = None, []

    def record(self, envelope: Any) -> None:
        self.envelopes.append(envelope)

    def commit(self) -> None:
        entry = self.journal.added
        assert entry is not None
        if self.ledger.conflicts_to_raise:
            self.ledger.conflicts_to_raise -= 1
            raise TransactionConflict()
        if entry.id in self.ledger.entries:
            raise EntryAlreadyPosted(entry.id)
        self.ledger.entries[entry.id] = entry
        for code, (debit, credit) in entry.account_totals().items():
            old_debit, old_credit = self.ledger.totals.get(code, (Decimal(0), Decimal(0)))
            self.ledger.totals[code] = (old_debit + debit, old_credit + credit)
        self.ledger.outbox.extend(self.envelopes)
        self.ledger.commits += 1
