"""Response models of the ledger API (the edge; the domain never sees them).

Amounts are decimal strings with the currency's minor digits (``"36.00"``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.ledger.domain.model import Account, JournalEntry, TrialBalance
from tandem.shared.money import amount_text
from tandem.shared.paging import Page


class AccountView(BaseModel):
    code: str
    name: str
    type: str

    @classmethod
    def of(cls, account: Account) -> AccountView:
        return cls(code=account.code, name=account.name, type=account.type.value)


class AccountList(BaseModel):
    accounts: list[AccountView]
    next_token: str | None = None

    @classmethod
    def of(cls, accounts: tuple[Account, ...]) -> AccountList:
        return cls(accounts=[AccountView.of(a) for a in accounts])


class BalanceView(BaseModel):
    code: str
    name: str
    type: str
    debit: str
    credit: str
    balance: str = Field(description="debit - credit for asset and expense accounts, credit - debit otherwise")


class TrialBalanceView(BaseModel):
    currency: str
    accounts: list[BalanceView]
    total_debit: str
    total_credit: str
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
                    type=a.account.type.value,
                    debit=text(a.debit),
                    credit=text(a.credit),
                    balance=text(a.balance),
                )
                for a in trial.accounts
            ],
        )


class JournalLineView(BaseModel):
    account: str
    debit: str
    credit: str


class JournalEntryView(BaseModel):
    id: UUID
    posted_at: datetime
    source_event_type: str
    source_event_id: UUID
    currency: str
    lines: list[JournalLineView]

    @classmethod
    def of(cls, entry: JournalEntry) -> JournalEntryView:
        return cls(
            id=entry.id,
            posted_at=entry.posted_at,
            source_event_type=entry.source_event_type,
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


class JournalList(BaseModel):
    entries: list[JournalEntryView]
    next_token: str | None = Field(default=None, description="Pass as ?next_token= for the next page")

    @classmethod
    def of(cls, page: Page[JournalEntry]) -> JournalList:
        return cls(entries=[JournalEntryView.of(entry) for entry in page.items], next_token=page.cursor)
