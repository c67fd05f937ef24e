"""Events the ledger context publishes on the bus (source ``tandem.ledger``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tandem.shared.envelope import DomainEvent, Envelope


class JournalLineData(BaseModel):
    """One line of a posted entry; amounts travel as decimal strings."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    account: str = Field(min_length=4, max_length=4)
    debit: Decimal = Field(ge=0)
    credit: Decimal = Field(ge=0)


class JournalPosted(DomainEvent):
    """A balanced journal entry was posted because of ``source_event_type`` ``source_event_id``."""

    context = "ledger"
    event_type = "JournalPosted"
    version = 1

    entry_id: UUID
    source_event_id: UUID
    source_event_type: str = Field(min_length=1, max_length=64)
    posted_at: AwareDatetime
    lines: list[JournalLineData] = Field(min_length=2)
    # Added in place (optional, so version 1 still holds): what the entry books, for whom, and when it counts.
    posting_date: date | None = Field(
        default=None,
        description="The day the entry counts in: the document's date, or the first day of the "
        "next open period when the document's period was closed",
    )
    document_type: Literal["invoice", "credit_note", "payment", "refund", "payroll_run"] | None = None
    document_id: str | None = Field(default=None, max_length=64)
    document_number: str | None = Field(default=None, max_length=64)
    document_date: date | None = None
    party: str | None = Field(default=None, max_length=254, description="The customer's email (none for payroll)")


JournalPostedEnvelope = Envelope[JournalPosted]
