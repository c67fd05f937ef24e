"""Response models of the ledger API (the edge; the domain never sees them).

Amounts are decimal strings with the currency's minor digits (``"36.00"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.ledger.domain.model import (
    Account,
    AccountType,
    ClosedPeriod,
    DocumentType,
    JournalEntry,
    TrialBalance,
)
from tandem.ledger.domain.reports import AgeingBucket, CustomerReceivables, ReceivablesReport, VatReport
from tandem.shared.auth import claims_of
from tandem.shared.money import amount_text
from tandem.shared.openapi import Currency, ItemsPage, Money, Rate
from tandem.shared.paging import Page
from tandem.shared.pricing import TaxCategory

AccountCode = Annotated[
    str, Field(pattern=r"^[0-9]{4}$", description="An account of the chart (GET /ledger/accounts)", examples=["1200"])
]
# The billing and payroll events the ledger posts (the kinds ``inbound.BillingEvent`` and
# ``inbound.PayrollEvent`` read).
SourceEventType = Literal[
    "InvoiceIssued",
    "CreditNoteIssued",
    "PaymentReceived",
    "PrepaymentApplied",
    "PaymentUnmatched",
    "UnmatchedPaymentApplied",
    "RefundPaid",
    "PayrollRunPosted",
    "PayrollRunPaid",
    "PayrollRunReversed",
]
PeriodText = Annotated[
    str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="A calendar month", examples=["2026-01"])
]


class AccountView(BaseModel):
    """An account of the chart."""

    code: AccountCode
    name: str
    type: AccountType

    @classmethod
    def of(cls, account: Account) -> AccountView:
        return cls(code=account.code, name=account.name, type=account.type)


class AccountList(ItemsPage[AccountView]):
    """The chart of accounts, by code."""

    @classmethod
    def of(cls, page: Page[Account]) -> AccountList:
        return cls(items=[AccountView.of(a) for a in page.items], next_token=page.cursor)


class BalanceView(BaseModel):
    """One account with its posted totals."""

    code: AccountCode
    name: str
    type: AccountType
    debit: Money
    credit: Money
    balance: Money = Field(description="debit - credit for asset and expense accounts, credit - debit otherwise")


class TrialBalanceView(BaseModel):
    """Every account of the chart with its debit and credit totals; balanced when the totals are equal."""

    currency: Currency = Field(description="The ledger's base currency: every amount here is in it")
    accounts: list[BalanceView] = Field(description="Every account of the chart, by code")
    total_debit: Money
    total_credit: Money
    balanced: bool

    @classmethod
    def of(cls, trial: TrialBalance) -> TrialBalanceView:
        def text(amount: Decimal) -> str:
            return amount_text(amount, trial.currency)

        return cls(
            currency=trial.currency,
            total_debit=text(trial.total_debit),
            total_credit=text(trial.total_credit),
            balanced=trial.balanced,
            accounts=[
                BalanceView(
                    code=a.account.code,
                    name=a.account.name,
                    type=a.account.type,
                    debit=text(a.debit),
                    credit=text(a.credit),
                    balance=text(a.balance),
                )
                for a in trial.accounts
            ],
        )


class JournalLineView(BaseModel):
    """One side of an entry: either debit or credit is non-zero, the other is zero."""

    account: AccountCode
    debit: Money
    credit: Money


class JournalDocumentView(BaseModel):
    """The business document a journal entry books."""

    type: DocumentType
    id: str = Field(description="The document's id in billing, or the payroll run's id")
    number: str | None = Field(
        description="The invoice's or credit note's number, a payroll run's period; null for payments and refunds"
    )
    document_date: date = Field(description="The document's date in the business time zone")


class JournalEntryView(BaseModel):
    """A posted journal entry: balanced (its debits equal its credits) and never changed once posted."""

    id: UUID
    posted_at: datetime
    source_event_type: SourceEventType = Field(description="The billing or payroll event this entry posts")
    source_event_id: UUID
    currency: Currency
    lines: list[JournalLineView]
    posting_date: date | None = Field(
        default=None,
        description="The day the entry counts in: its document's date, or the first day of the next open period "
        "when the document's period was closed (null on entries posted before documents were recorded)",
    )
    document: JournalDocumentView | None = Field(default=None, description="What the entry books")
    party: str | None = Field(
        default=None, description="The customer's email, when the entry concerns one (never an employee)"
    )

    @classmethod
    def of(cls, entry: JournalEntry) -> JournalEntryView:
        document = entry.document
        return cls(
            id=entry.id,
            posted_at=entry.posted_at,
            source_event_type=cast(SourceEventType, entry.source_event_type),
            source_event_id=entry.source_event_id,
            currency=entry.currency,
            posting_date=entry.posting_date,
            party=entry.party,
            document=None
            if document is None
            else JournalDocumentView(
                type=document.type, id=document.id, number=document.number, document_date=document.date
            ),
            lines=[
                JournalLineView(
                    account=line.account,
                    debit=amount_text(line.debit, entry.currency),
                    credit=amount_text(line.credit, entry.currency),
                )
                for line in entry.lines
            ],
        )


class JournalList(ItemsPage[JournalEntryView]):
    """Journal entries, newest first."""

    @classmethod
    def of(cls, page: Page[JournalEntry]) -> JournalList:
        return cls(items=[JournalEntryView.of(entry) for entry in page.items], next_token=page.cursor)


class AgeingView(BaseModel):
    """Amounts owed by days past their due date (as of the report's day)."""

    current: Money = Field(description="Not yet due")
    days_1_30: Money
    days_31_60: Money
    days_61_90: Money
    over_90: Money

    @classmethod
    def of(cls, buckets: Mapping[AgeingBucket, Decimal], currency: str) -> AgeingView:
        return cls(**{bucket.value: amount_text(amount, currency) for bucket, amount in buckets.items()})


class OpenItemView(BaseModel):
    """An invoice the customer still owes on."""

    invoice_id: str
    number: str | None
    issue_date: date | None
    due_date: date | None
    days_overdue: int = Field(description="Days past the due date (0 or less: not yet due)")
    bucket: AgeingBucket
    open_amount: Money


class CustomerReceivablesView(BaseModel):
    """One customer's open invoices by age and their unallocated balance (negative: the customer is in credit)."""

    customer_email: str | None = Field(description="The party; null for amounts whose customer is not known yet")
    items: list[OpenItemView]
    ageing: AgeingView
    unallocated: Money = Field(
        description="Overpayments and credits beyond what the customer's invoices owe, less refunds paid out"
    )
    balance: Money = Field(description="What the customer owes in all (ageing + unallocated)")

    @classmethod
    def of(cls, customer: CustomerReceivables, currency: str) -> CustomerReceivablesView:
        return cls(
            customer_email=customer.party,
            items=[
                OpenItemView(
                    invoice_id=str(aged.item.invoice_id),
                    number=aged.item.number,
                    issue_date=aged.item.issue_date,
                    due_date=aged.item.due_date,
                    days_overdue=aged.days_overdue,
                    bucket=aged.bucket,
                    open_amount=amount_text(aged.item.amount, currency),
                )
                for aged in customer.items
            ],
            ageing=AgeingView.of(customer.buckets, currency),
            unallocated=amount_text(customer.unallocated, currency),
            balance=amount_text(customer.balance, currency),
        )


class ReceivablesView(BaseModel):
    """Open items per customer with ageing buckets, reconciled to account 1200 (Accounts receivable)."""

    as_of: date = Field(description="The day the ageing is computed for (the items are today's)")
    currency: Currency
    customers: list[CustomerReceivablesView] = Field(description="Customers with a non-zero balance, by email")
    ageing: AgeingView = Field(description="Every customer's open items by age")
    unallocated: Money
    total: Money = Field(description="Sum of the customers' balances")
    account_balance: Money = Field(description="Account 1200 in the trial balance")
    reconciled: bool = Field(description="total equals account_balance")

    @classmethod
    def of(cls, report: ReceivablesReport) -> ReceivablesView:
        currency = report.currency
        return cls(
            as_of=report.as_of,
            currency=currency,
            customers=[CustomerReceivablesView.of(customer, currency) for customer in report.customers],
            ageing=AgeingView.of(report.buckets, currency),
            unallocated=amount_text(report.unallocated, currency),
            total=amount_text(report.total, currency),
            account_balance=amount_text(report.account_balance, currency),
            reconciled=report.reconciled,
        )


class ClosedPeriodView(BaseModel):
    """A locked period: entries dated in it are posted on the first day of the next open period."""

    period: PeriodText
    status: Literal["closed"] = "closed"
    closed_at: datetime
    closed_by: str

    @classmethod
    def of(cls, closed: ClosedPeriod) -> ClosedPeriodView:
        return cls(period=str(closed.period), closed_at=closed.closed_at, closed_by=closed.closed_by)


def closing_caller(event: Mapping[str, Any]) -> str:
    """Who closes a period: the token's email, else its subject."""
    claims = claims_of(event)
    return str(claims.get("email") or claims.get("sub") or "unknown")[:254]


class VatRateView(BaseModel):
    """Output VAT of one rate and category in the period: invoices less credit notes."""

    tax_category: TaxCategory
    tax_rate: Rate
    taxable_base: Money
    vat: Money


class VatReportView(BaseModel):
    """Output VAT by rate with its taxable base for one period, reconciled to account 2200 (VAT payable)."""

    period: PeriodText
    currency: Currency
    rates: list[VatRateView] = Field(description="By rate, highest first")
    taxable_total: Money
    vat_total: Money
    account_movement: Money = Field(description="Credits less debits on account 2200 posted in the period")
    reconciled: bool = Field(description="vat_total equals account_movement")

    @classmethod
    def of(cls, report: VatReport) -> VatReportView:
        currency = report.currency
        return cls(
            period=str(report.period),
            currency=currency,
            rates=[
                VatRateView(
                    tax_category=TaxCategory(r.tax_category),
                    tax_rate=format(r.tax_rate.normalize(), "f"),
                    taxable_base=amount_text(r.taxable, currency),
                    vat=amount_text(r.tax, currency),
                )
                for r in report.rates
            ],
            taxable_total=amount_text(report.taxable_total, currency),
            vat_total=amount_text(report.tax_total, currency),
            account_movement=amount_text(report.account_movement, currency),
            reconciled=report.reconciled,
        )
