"""Chart of accounts, journal entries and the trial balance.

A journal entry is immutable once posted: a correction is a new entry (a credit note is posted
as the reverse of the invoice, never as an edit of it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from tandem.ledger.domain.errors import InvalidJournalLine, UnbalancedEntry, UnsupportedCurrency
from tandem.ledger.domain.events import JournalLineData, JournalPosted
from tandem.shared.envelope import DomainEvent
from tandem.shared.money import MINOR_UNITS

ZERO = Decimal(0)


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


# Assets and expenses grow on the debit side; liabilities, equity and revenue on the credit side.
DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    name: str
    type: AccountType

    def balance(self, debit: Decimal, credit: Decimal) -> Decimal:
        """The balance on the account's normal side: debit - credit for assets and expenses,
        credit - debit for liabilities, equity and revenue (so a healthy balance is positive)."""
        return debit - credit if self.type in DEBIT_NORMAL else credit - debit


BANK = "1000"
RECEIVABLES = "1200"
INVENTORY = "1300"
PAYABLES = "2000"
VAT_PAYABLE = "2200"
EQUITY = "3000"
REVENUE = "4000"
COST_OF_GOODS_SOLD = "5000"

CHART: tuple[Account, ...] = (
    Account(BANK, "Bank", AccountType.ASSET),
    Account(RECEIVABLES, "Accounts receivable", AccountType.ASSET),
    Account(INVENTORY, "Inventory", AccountType.ASSET),
    Account(PAYABLES, "Accounts payable", AccountType.LIABILITY),
    Account(VAT_PAYABLE, "VAT payable", AccountType.LIABILITY),
    Account(EQUITY, "Equity", AccountType.EQUITY),
    Account(REVENUE, "Sales revenue", AccountType.REVENUE),
    Account(COST_OF_GOODS_SOLD, "Cost of goods sold", AccountType.EXPENSE),
)
ACCOUNTS: dict[str, Account] = {account.code: account for account in CHART}

# Entry ids derive from the source event id: the same event always names the same entry, so a
# redelivery cannot post twice (the entry's put is conditional on the id being new).
ENTRY_NAMESPACE = uuid5(NAMESPACE_URL, "tandem:ledger:journal-entry")


def entry_id_for(source_event_id: UUID) -> UUID:
    return uuid5(ENTRY_NAMESPACE, str(source_event_id))


def require_currency(currency: str, base_currency: str) -> None:
    """Refuse, loudly, a document that is not in the ledger's currency (no silent conversion)."""
    if currency != base_currency:
        raise UnsupportedCurrency(details={"currency": currency[:8], "base_currency": base_currency})


def _check_minor_units(lines: tuple[JournalLine, ...], currency: str) -> Decimal:
    """The currency's minor unit, once every amount is a whole multiple of it (the ledger keeps cents)."""
    if currency not in MINOR_UNITS:
        raise UnsupportedCurrency(details={"currency": currency[:8]})
    minor = Decimal(1).scaleb(-MINOR_UNITS[currency])
    if any((line.debit + line.credit) % minor for line in lines):
        raise InvalidJournalLine(details={"problem": f"amounts are whole multiples of {minor}"})
    return minor


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One side of an entry: exactly one of ``debit``/``credit`` is non-zero, neither is negative."""

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.account not in ACCOUNTS:
            raise InvalidJournalLine(details={"account": str(self.account)[:16], "problem": "not in the chart"})
        for side in (self.debit, self.credit):
            if not isinstance(side, Decimal) or not side.is_finite() or side < 0:
                raise InvalidJournalLine(details={"account": self.account, "problem": "amounts are Decimal >= 0"})
        if (self.debit == 0) == (self.credit == 0):
            raise InvalidJournalLine(details={"account": self.account, "problem": "exactly one side is non-zero"})

    @classmethod
    def dr(cls, account: str, amount: Decimal) -> JournalLine:
        return cls(account=account, debit=amount)

    @classmethod
    def cr(cls, account: str, amount: Decimal) -> JournalLine:
        return cls(account=account, credit=amount)


@dataclass(frozen=True)
class JournalEntry:
    """A balanced, immutable set of lines posted because of one source event."""

    id: UUID
    posted_at: datetime
    source_event_id: UUID
    source_event_type: str
    currency: str
    lines: tuple[JournalLine, ...]
    # Recorded, not published: the unit of work turns them into outbox items.
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.posted_at.tzinfo is None:
            raise ValueError("posted_at must be timezone-aware")
        _check_minor_units(self.lines, self.currency)
        if self.total_debit != self.total_credit or self.total_debit <= 0:
            raise UnbalancedEntry(
                details={"total_debit": str(self.total_debit), "total_credit": str(self.total_credit)}
            )

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @classmethod
    def post(
        cls,
        lines: Iterable[JournalLine],
        *,
        source_event_id: UUID,
        source_event_type: str,
        currency: str,
        posted_at: datetime,
    ) -> JournalEntry:
        """A new entry for ``source_event_id`` (id derived from it) with its JournalPosted event."""
        lines = tuple(lines)
        minor = _check_minor_units(lines, currency)
        # Exact (every amount is a multiple of the minor unit): "36" and "36.0" are both shown as "36.00".
        lines = tuple(
            JournalLine(line.account, line.debit.quantize(minor), line.credit.quantize(minor)) for line in lines
        )
        entry = cls(
            id=entry_id_for(source_event_id),
            posted_at=posted_at,
            source_event_id=source_event_id,
            source_event_type=source_event_type,
            currency=currency,
            lines=lines,
        )
        entry.events.append(
            JournalPosted(
                entry_id=entry.id,
                source_event_id=source_event_id,
                source_event_type=source_event_type,
                posted_at=posted_at,
                lines=[
                    JournalLineData(account=line.account, debit=line.debit, credit=line.credit) for line in entry.lines
                ],
            )
        )
        return entry

    def account_totals(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Debit and credit per account, each account once (what the balance items receive)."""
        totals: dict[str, tuple[Decimal, Decimal]] = {}
        for line in self.lines:
            debit, credit = totals.get(line.account, (ZERO, ZERO))
            totals[line.account] = (debit + line.debit, credit + line.credit)
        return totals


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account: Account
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.account.balance(self.debit, self.credit)


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """Every account of the chart with its posted totals; balanced when debits equal credits."""

    currency: str
    accounts: tuple[AccountBalance, ...]

    @classmethod
    def of(cls, totals: Mapping[str, tuple[Decimal, Decimal]], currency: str) -> TrialBalance:
        return cls(
            currency=currency,
            accounts=tuple(AccountBalance(account, *totals.get(account.code, (ZERO, ZERO))) for account in CHART),
        )

    @property
    def total_debit(self) -> Decimal:
        return sum((a.debit for a in self.accounts), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((a.credit for a in self.accounts), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    def balance_of(self, code: str) -> Decimal:
        return next(a.balance for a in self.accounts if a.account.code == code)
