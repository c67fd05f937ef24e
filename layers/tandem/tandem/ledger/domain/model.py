"""Chart of accounts, journal entries, accounting periods and the trial balance.

A journal entry is immutable once posted: a correction is a new entry (a credit note is posted
as the reverse of the invoice, never as an edit of it). An entry carries its document (type, id,
number, date) and its party (the customer's email), and it counts in the period of its posting date:
the document's date, or the first day of the next open period when the document's period is closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from tandem.ledger.domain.errors import InvalidJournalLine, InvalidPeriod, UnbalancedEntry, UnsupportedCurrency
from tandem.ledger.domain.events import JournalLineData, JournalPosted
from tandem.shared.envelope import DomainEvent
from tandem.shared.money import is_currency, minor_unit

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
CUSTOMER_ADVANCES = "2100"
VAT_PAYABLE = "2200"
NET_WAGES_PAYABLE = "2300"
TAX_WITHHOLDING_PAYABLE = "2400"
SOCIAL_CONTRIBUTIONS_PAYABLE = "2500"
SUSPENSE = "2900"
EQUITY = "3000"
REVENUE = "4000"
COST_OF_GOODS_SOLD = "5000"
SALARY_EXPENSE = "6000"
EMPLOYER_CONTRIBUTION_EXPENSE = "6100"

CHART: tuple[Account, ...] = (
    Account(BANK, "Bank", AccountType.ASSET),
    Account(RECEIVABLES, "Accounts receivable", AccountType.ASSET),
    Account(INVENTORY, "Inventory", AccountType.ASSET),
    Account(PAYABLES, "Accounts payable", AccountType.LIABILITY),
    # Prepayments received for orders not invoiced yet: owed to the customer until an invoice takes them.
    Account(CUSTOMER_ADVANCES, "Customer advances", AccountType.LIABILITY),
    Account(VAT_PAYABLE, "VAT payable", AccountType.LIABILITY),
    # Payroll (the accrual of an approved run): owed to the employees until the bank pays them, and to the
    # tax office and the social insurers until payroll pays over what it withheld and the employer's share.
    Account(NET_WAGES_PAYABLE, "Net wages payable", AccountType.LIABILITY),
    Account(TAX_WITHHOLDING_PAYABLE, "Tax withholding payable", AccountType.LIABILITY),
    Account(SOCIAL_CONTRIBUTIONS_PAYABLE, "Social contributions payable", AccountType.LIABILITY),
    # Money received that names no known order or invoice, until finance applies or refunds it.
    Account(SUSPENSE, "Suspense", AccountType.LIABILITY),
    Account(EQUITY, "Equity", AccountType.EQUITY),
    Account(REVENUE, "Sales revenue", AccountType.REVENUE),
    Account(COST_OF_GOODS_SOLD, "Cost of goods sold", AccountType.EXPENSE),
    Account(SALARY_EXPENSE, "Salary expense", AccountType.EXPENSE),
    Account(EMPLOYER_CONTRIBUTION_EXPENSE, "Employer contribution expense", AccountType.EXPENSE),
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
    """The currency's ISO 4217 minor unit (``tandem.shared.money``: 0.01 EUR, 1 JPY), once every amount is
    a whole multiple of it."""
    if not is_currency(currency):
        raise UnsupportedCurrency(details={"currency": currency[:8]})
    minor = minor_unit(currency)
    if any((line.debit + line.credit) % minor for line in lines):
        raise InvalidJournalLine(details={"problem": f"amounts are whole multiples of {minor}"})
    return minor


_PERIOD = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """An accounting period: one calendar month (``2026-01``)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM``, or InvalidPeriod."""
        found = _PERIOD.match(str(text))
        if found is None or int(found[1]) < 1000:
            raise InvalidPeriod(details={"period": str(text)[:16]})
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def posting_date(document_date: date, closed: frozenset[Period]) -> date:
    """The day an entry counts in: its document's date while that period is open; otherwise the first day
    of the next open period (the document's date stays on the entry). Posted documents never change, and a
    closed period never changes either, so a late event is booked in the first period still open."""
    period = Period.of(document_date)
    if period not in closed:
        return document_date
    while period in closed:
        period = period.next()
    return period.first_day


class DocumentType(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    REFUND = "refund"
    PAYROLL_RUN = "payroll_run"  # a run's accrual, its payment, or a reversal run (id: the run's)


@dataclass(frozen=True, slots=True)
class Document:
    """The business document an entry books: its type, its id in billing or payroll, its number (invoices and
    credit notes; a payment or a refund is named by its id; a payroll run by its period) and its date (in
    the business time zone)."""

    type: DocumentType
    id: str
    date: date
    number: str | None = None


@dataclass(frozen=True, slots=True)
class OpenItem:
    """The receivables item an entry's lines on account 1200 move: the invoice they belong to, or the
    customer's unallocated balance (``invoice_id`` None). ``number``/``issue_date``/``due_date`` come with the
    invoice's own entry (events may arrive in any order: they are set whenever the invoice is posted)."""

    invoice_id: str | None
    party: str | None
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None

    @property
    def key(self) -> str:
        return f"INVOICE#{self.invoice_id}" if self.invoice_id else f"PARTY#{self.party or ''}"


@dataclass(frozen=True, slots=True)
class VatAmount:
    """Output VAT of one rate and category on one document: positive for an invoice, negative for a credit
    note (it gives VAT back). ``tax_rate`` is a fraction (``0.20``)."""

    tax_category: str
    tax_rate: Decimal
    taxable: Decimal
    tax: Decimal


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
    # What it books and for whom; entries posted before documents were carried have none of them.
    document: Document | None = None
    party: str | None = None
    posting_date: date | None = None  # the day it counts in: the document's date unless that period was closed
    open_item: OpenItem | None = None  # the receivables item its lines on 1200 move
    vat: tuple[VatAmount, ...] = ()  # output VAT by rate (invoices and credit notes): the VAT report
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
        if self.document is not None and self.open_item is None and any(ln.account == RECEIVABLES for ln in self.lines):
            # Receivables per customer reconcile to account 1200 only if every line on it names its item.
            raise InvalidJournalLine(details={"account": RECEIVABLES, "problem": "needs the open item it moves"})
        vat_movement = sum((ln.credit - ln.debit for ln in self.lines if ln.account == VAT_PAYABLE), ZERO)
        if self.vat and sum((v.tax for v in self.vat), ZERO) != vat_movement:
            # The VAT report reconciles to account 2200 only if each entry's VAT by rate adds up to its VAT line.
            raise UnbalancedEntry(details={"vat_by_rate": str(sum((v.tax for v in self.vat), ZERO))})

    @property
    def period(self) -> Period:
        """The period the entry counts in."""
        return Period.of(self.posting_date or self.posted_at.date())

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
        document: Document | None = None,
        party: str | None = None,
        posting_date: date | None = None,
        open_item: OpenItem | None = None,
        vat: tuple[VatAmount, ...] = (),
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
            document=document,
            party=party,
            posting_date=posting_date,
            open_item=open_item,
            vat=vat,
        )
        entry.events.append(
            JournalPosted(
                entry_id=entry.id,
                source_event_id=source_event_id,
                source_event_type=source_event_type,
                posted_at=posted_at,
                posting_date=posting_date,
                document_type=document.type.value if document else None,
                document_id=document.id if document else None,
                document_number=document.number if document else None,
                document_date=document.date if document else None,
                party=party,
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


@dataclass(frozen=True, slots=True)
class ClosedPeriod:
    """A locked period: nothing is posted in it any more (late documents count in the next open period)."""

    period: Period
    closed_at: datetime
    closed_by: str
