"""In-memory ports of the ledger service, with the same all-or-nothing and once-only behaviour."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tandem.ledger.domain.errors import EntryAlreadyPosted, PeriodClosedMeanwhile
from tandem.ledger.domain.model import RECEIVABLES, ClosedPeriod, JournalEntry, Period
from tandem.ledger.domain.reports import OpenItemBalance, VatRateTotal
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.paging import Page

ZERO = Decimal(0)


class FakeLedger:
    """The table: entries by id, balance totals by account (overall and per period), receivables items,
    VAT by rate per period, closed periods, published outbox envelopes."""

    def __init__(self) -> None:
        self.entries: dict[Any, JournalEntry] = {}
        self.totals: dict[str, tuple[Decimal, Decimal]] = {}
        self.period_totals: dict[Period, dict[str, tuple[Decimal, Decimal]]] = {}
        self.open_items: dict[str, dict[str, Any]] = {}
        self.vat: dict[Period, dict[tuple[Decimal, str], tuple[Decimal, Decimal]]] = {}
        self.closed: dict[Period, ClosedPeriod] = {}
        self.outbox: list[Any] = []
        self.conflicts_to_raise = 0
        self.close_during_next_commit: Period | None = None  # a close that lands between read and commit
        self.commits = 0

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)


def _add(totals: dict, key: Any, debit: Decimal, credit: Decimal) -> None:
    old_debit, old_credit = totals.get(key, (ZERO, ZERO))
    totals[key] = (old_debit + debit, old_credit + credit)


class FakeJournal:
    """The unit of work's repository: reads the committed table, collects the entry to add."""

    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.added: JournalEntry | None = None

    def add(self, entry: JournalEntry) -> None:
        self.added = entry

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        return dict(self.ledger.totals)

    def period_totals(self, period: Period) -> dict[str, tuple[Decimal, Decimal]]:
        return dict(self.ledger.period_totals.get(period, {}))

    def list_newest(self, limit: int, cursor: str | None) -> Page[JournalEntry]:
        ordered = sorted(self.ledger.entries.values(), key=lambda e: (e.posted_at, str(e.id)), reverse=True)
        return Page(items=ordered[:limit])

    def open_items(self) -> list[OpenItemBalance]:
        return [
            OpenItemBalance(
                party=item.get("party"),
                invoice_id=item.get("invoice_id"),
                number=item.get("number"),
                issue_date=item.get("issue_date"),
                due_date=item.get("due_date"),
                debit=item["debit"],
                credit=item["credit"],
            )
            for item in self.ledger.open_items.values()
        ]

    def vat_totals(self, period: Period) -> list[VatRateTotal]:
        return [
            VatRateTotal(category, rate, taxable, tax)
            for (rate, category), (taxable, tax) in self.ledger.vat.get(period, {}).items()
        ]


class FakePeriods:
    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.closing: ClosedPeriod | None = None

    def closed(self) -> frozenset[Period]:
        return frozenset(self.ledger.closed)

    def get(self, period: Period) -> ClosedPeriod | None:
        return self.ledger.closed.get(period)

    def close(self, closing: ClosedPeriod) -> None:
        self.closing = closing


class FakeUnitOfWork:
    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.journal = FakeJournal(ledger)
        self.periods = FakePeriods(ledger)
        self.envelopes: list[Any] = []

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.journal.added, self.periods.closing, self.envelopes = None, None, []

    def record(self, envelope: Any) -> None:
        self.envelopes.append(envelope)

    def commit(self) -> None:
        closing = self.periods.closing
        if closing is not None:
            if closing.period in self.ledger.closed:
                raise ConditionFailed("period")
            self.ledger.closed[closing.period] = closing
            return
        entry = self.journal.added
        assert entry is not None
        if self.ledger.conflicts_to_raise:
            self.ledger.conflicts_to_raise -= 1
            raise TransactionConflict()
        if self.ledger.close_during_next_commit is not None:
            period, self.ledger.close_during_next_commit = self.ledger.close_during_next_commit, None
            self.ledger.closed[period] = ClosedPeriod(period, entry.posted_at, "someone")
        if entry.id in self.ledger.entries:
            raise EntryAlreadyPosted(entry.id)
        if entry.period in self.ledger.closed:
            raise PeriodClosedMeanwhile(details={"period": str(entry.period)})
        self.ledger.entries[entry.id] = entry
        for code, (debit, credit) in entry.account_totals().items():
            _add(self.ledger.totals, code, debit, credit)
            _add(self.ledger.period_totals.setdefault(entry.period, {}), code, debit, credit)
        receivable = entry.account_totals().get(RECEIVABLES)
        if entry.open_item is not None and receivable is not None:
            ref = entry.open_item
            item = self.ledger.open_items.setdefault(ref.key, {"debit": ZERO, "credit": ZERO})
            item["debit"] += receivable[0]
            item["credit"] += receivable[1]
            for name in ("party", "invoice_id", "number", "issue_date", "due_date"):
                if item.get(name) is None and getattr(ref, name) is not None:
                    item[name] = getattr(ref, name)
        for vat in entry.vat:
            _add(self.ledger.vat.setdefault(entry.period, {}), (vat.tax_rate, vat.tax_category), vat.taxable, vat.tax)
        self.ledger.outbox.extend(self.envelopes)
        self.ledger.commits += 1
