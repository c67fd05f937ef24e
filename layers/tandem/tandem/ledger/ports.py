"""What the ledger's use cases need from the outside world: Protocols only, implemented in ``adapters``."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from tandem.ledger.domain.model import JournalEntry
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page


class JournalRepository(Protocol):
    """Journal entries and the per-account balances they add up to."""

    def add(self, entry: JournalEntry) -> None:
        """Write ``entry`` and add its totals to the account balances, at commit (``EntryAlreadyPosted``
        then if an entry with its id exists, ``BalanceCurrencyMismatch`` if the balances are in another
        currency)."""
        ...

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{code: (debit total, credit total)}`` of every account that has postings."""
        ...

    def list_newest(self, limit: int, cursor: str | None) -> Page[JournalEntry]: ...


class UnitOfWork(Protocol):
    """One transaction on the ledger: an entry, its balance increments and its events, all or nothing."""

    @property
    def journal(self) -> JournalRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def record(self, envelope: Envelope[DomainEvent]) -> None: ...
    def commit(self) -> None: ...  # TransactionConflict when another transaction touched the same items
