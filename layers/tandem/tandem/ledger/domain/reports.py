"""Receivables ageing and the VAT report: pure calculations over the running totals the postings keep.

Both reconcile to the trial balance by construction (every line on 1200 moves one open item, every line on
2200 carries its VAT by rate, in the same transaction), and both say so (``reconciled``), so a report that
does not add up is visible instead of silently wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tandem.ledger.domain.model import VAT_PAYABLE, Period

ZERO = Decimal(0)


class AgeingBucket(StrEnum):
    """Days past the due date, as of the report's day."""

    CURRENT = "current"  # not yet due (or due today)
    DAYS_1_30 = "days_1_30"
    DAYS_31_60 = "days_31_60"
    DAYS_61_90 = "days_61_90"
    OVER_90 = "over_90"


def bucket_for(days_overdue: int) -> AgeingBucket:
    if days_overdue <= 0:
        return AgeingBucket.CURRENT
    if days_overdue <= 30:
        return AgeingBucket.DAYS_1_30
    if days_overdue <= 60:
        return AgeingBucket.DAYS_31_60
    if days_overdue <= 90:
        return AgeingBucket.DAYS_61_90
    return AgeingBucket.OVER_90


@dataclass(frozen=True, slots=True)
class OpenItemBalance:
    """One receivables item with its running totals: an invoice (``invoice_id``) or a customer's unallocated
    balance. ``amount`` > 0: the customer owes it; < 0: the customer is in credit."""

    party: str | None
    invoice_id: str | None
    number: str | None
    issue_date: date | None
    due_date: date | None
    debit: Decimal
    credit: Decimal

    @property
    def amount(self) -> Decimal:
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class AgedItem:
    item: OpenItemBalance
    days_overdue: int
    bucket: AgeingBucket


def _buckets() -> dict[AgeingBucket, Decimal]:
    return dict.fromkeys(AgeingBucket, ZERO)


@dataclass
class CustomerReceivables:
    """One customer's open invoices by age, and what they hold in credit (``unallocated``, <= 0 normally:
    overpayments and credit notes beyond what an invoice owed, less refunds paid out of them)."""

    party: str | None
    items: list[AgedItem] = field(default_factory=list)
    buckets: dict[AgeingBucket, Decimal] = field(default_factory=_buckets)
    unallocated: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) + self.unallocated


@dataclass(frozen=True, slots=True)
class ReceivablesReport:
    as_of: date
    currency: str
    customers: tuple[CustomerReceivables, ...]
    account_balance: Decimal  # account 1200 in the trial balance

    @property
    def buckets(self) -> dict[AgeingBucket, Decimal]:
        totals = _buckets()
        for customer in self.customers:
            for bucket, amount in customer.buckets.items():
                totals[bucket] += amount
        return totals

    @property
    def unallocated(self) -> Decimal:
        return sum((c.unallocated for c in self.customers), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((c.balance for c in self.customers), ZERO)

    @property
    def reconciled(self) -> bool:
        return self.total == self.account_balance


def receivables(
    items: Iterable[OpenItemBalance], *, as_of: date, currency: str, account_balance: Decimal
) -> ReceivablesReport:
    """Open items per customer, aged by days past their due date as of ``as_of``.

        An invoice the customer still owes on (amount > 0) is an open item in its bucket; everything else with a
        non-zero amount (an invoice in credit, a customer's unallocated balance, an item whose invoice the ledger
        has not seen yet) adds to the customer's ``unallocated``. Items at zero are settled and not shown, nor are
    customers with nothing open and nothing unallocated.
    """
    customers: dict[str, CustomerReceivables] = {}
    for item in items:
        if item.amount == 0:
            continue
        customer = customers.setdefault(item.party or "", CustomerReceivables(item.party))
        if item.amount > 0 and item.invoice_id is not None and item.due_date is not None:
            days = (as_of - item.due_date).days
            aged = AgedItem(item, days, bucket_for(days))
            customer.items.append(aged)
            customer.buckets[aged.bucket] += item.amount
        else:
            customer.unallocated += item.amount
    for customer in customers.values():
        customer.items.sort(key=lambda aged: (aged.item.due_date or as_of, aged.item.number or ""))
    # A customer whose items cancel out (credited, then refunded from another item) has nothing to show.
    ordered = tuple(customers[p] for p in sorted(customers) if customers[p].items or customers[p].unallocated)
    return ReceivablesReport(as_of, currency, ordered, account_balance)


@dataclass(frozen=True, slots=True)
class VatRateTotal:
    """Output VAT of one rate and category in a period: invoices less credit notes."""

    tax_category: str
    tax_rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class VatReport:
    period: Period
    currency: str
    rates: tuple[VatRateTotal, ...]
    account_movement: Decimal  # credit - debit on 2200 in the period (output VAT owed for it)

    @property
    def taxable_total(self) -> Decimal:
        return sum((r.taxable for r in self.rates), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return sum((r.tax for r in self.rates), ZERO)

    @property
    def reconciled(self) -> bool:
        return self.tax_total == self.account_movement


def vat_report(
    period: Period, rates: Iterable[VatRateTotal], *, currency: str, totals: Mapping[str, tuple[Decimal, Decimal]]
) -> VatReport:
    """The period's output VAT by rate (highest rate first), against account 2200's movement in the period
    (``totals``: the period's debit and credit per account)."""

    debit, credit = totals.get(VAT_PAYABLE, (ZERO, ZERO))
    shown = sorted((r for r in rates if r.taxable or r.tax), key=lambda r: (-r.tax_rate, r.tax_category))
    return VatReport(period, currency, tuple(shown), credit - debit)
