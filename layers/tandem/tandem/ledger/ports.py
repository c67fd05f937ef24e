"""What the ledger's use cases need from the outside world: Protocols only, implemented in ``adapters``."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from tandem.ledger.domain.model import ClosedPeriod, JournalEntry, Period
from tandem.ledger.domain.reports import OpenItemBalance, VatRateTotal
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page


class JournalRepository(Protocol):
    """Journal entries and the per-account balances they add up to."""

    def add(self, entry: JournalEntry) -> None:
        """Write ``entry`` and add its totals to the account balances (overall and of its period), its
        receivables item and its period's VAT by rate, at commit (``EntryAlreadyPosted`` then if an entry
        with its id exists, ``BalanceCurrencyMismatch`` if the balances are in another currency,
        ``PeriodClosedMeanwhile`` if its posting period was closed since it was read)."""
        ...

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """``{code: (debit total, credit total)}`` of every account that has postings."""
        ...

    def list_newest(self, limit: int, cursor: str | None) -> Page[JournalEntry]: ...

    def period_totals(self, period: Period) -> dict[str, tuple[Decimal, Decimal]]:
        """``{code: (debit, credit)}`` posted in ``period`` (by posting date)."""
        ...

    def open_items(self) -> list[OpenItemBalance]:
        """Every receivables item (invoices and customers' unallocated balances) with its running totals."""
        ...

    def vat_totals(self, period: Period) -> list[VatRateTotal]:
        """Output VAT by rate and category posted in ``period``."""
        ...


class PeriodRepository(Protocol):
    """Closed periods. ``close`` joins the unit of work's transaction."""

    def closed(self) -> frozenset[Period]: ...

    def get(self, period: Period) -> ClosedPeriod | None: ...

    def close(self, closing: ClosedPeriod) -> None:
        """Lock the period at commit (``ConditionFailed("period")`` if it was closed meanwhile)."""
        ...


class UnitOfWork(Protocol):
    """One transaction on the ledger: an entry, its balance increments and its events, all or nothing."""

    @property
    def journal(self) -> JournalRepository: ...

    @property
    def periods(self) -> PeriodRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def record(self, envelope: Envelope[DomainEvent]) -> None: ...
    def commit(self) -> None: ...  # TransactionConflict when another transaction touched the same items
