"""Events the ledger context publishes on the bus (source ``tandem.ledger``)."""

from __future__ import annotations

from decimal import Decimal
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


JournalPostedEnvelope = Envelope[JournalPosted]
