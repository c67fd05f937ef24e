"""Response models of the ledger API (the edge; the domain never sees them).

Amounts are decimal strings with the currency's minor digits (``"36.00"``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, cast
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.ledger.domain.model import Account, AccountType, JournalEntry, TrialBalance
from tandem.shared.money import amount_text
from tandem.shared.openapi import Currency, ItemsPage, Money
from tandem.shared.paging import Page

AccountCode = Annotated[
    str, Field(pattern=r"^[0-9]{4}$", description="An account of the chart (GET /ledger/accounts)", examples=["1200"])
]
# The billing events the ledger posts (the kinds ``inbound.BillingEvent`` reads).
SourceEventType = Literal["InvoiceIssued", "CreditNoteIssued", "PaymentReceived"]


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


class JournalEntryView(BaseModel):
    """A posted journal entry: balanced (its debits equal its credits) and never changed once posted."""

    id: UUID
    posted_at: datetime
    source_event_type: SourceEventType = Field(description="The billing event this entry posts")
    source_event_id: UUID
    currency: Currency
    lines: list[JournalLineView]

    @classmethod
    def of(cls, entry: JournalEntry) -> JournalEntryView:
        return cls(
            id=entry.id,
            posted_at=entry.posted_at,
            source_event_type=cast(SourceEventType, entry.source_event_type),
            source_event_id=entry.source_event_id,
            currency=entry.currency,
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
