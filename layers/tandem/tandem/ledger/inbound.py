"""Tolerant readers of the billing events the ledger posts (the edge; the domain never sees them).

Only the fields the postings need are read and unknown fields are ignored, so billing can add fields
without the ledger noticing. The ledger imports nothing of billing's package: contexts are decoupled.
These models are plain pydantic (not ``DomainEvent``), so they never enter the schema registry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import Field

from tandem.ledger.domain.commands import PostCreditNoteIssued, PostingCommand, PostInvoiceIssued, PostPaymentReceived
from tandem.shared.envelope import InboundEvent, TolerantReader

Amount = Annotated[Decimal, Field(allow_inf_nan=False)]


class _DocumentTotalsIn(TolerantReader):
    """An invoice or credit note: the ledger needs only its currency and totals."""

    command: ClassVar[type[PostInvoiceIssued | PostCreditNoteIssued]]
    currency: str = Field(min_length=3, max_length=3)
    net_total: Amount
    tax_total: Amount
    gross_total: Amount

    def to_command(self, event_id: UUID) -> PostingCommand:
        return self.command(
            source_event_id=event_id,
            currency=self.currency,
            net_total=self.net_total,
            tax_total=self.tax_total,
            gross_total=self.gross_total,
        )


class InvoiceIssuedIn(_DocumentTotalsIn):
    command = PostInvoiceIssued
    kind: Literal["InvoiceIssued"]
    invoice_id: str


class CreditNoteIssuedIn(_DocumentTotalsIn):
    command = PostCreditNoteIssued
    kind: Literal["CreditNoteIssued"]
    credit_note_id: str


class PaymentReceivedIn(TolerantReader):
    kind: Literal["PaymentReceived"]
    payment_id: str
    currency: str = Field(min_length=3, max_length=3)
    amount: Amount

    def to_command(self, event_id: UUID) -> PostingCommand:
        return PostPaymentReceived(source_event_id=event_id, currency=self.currency, amount=self.amount)


POSTED_EVENT_TYPES = ("InvoiceIssued", "CreditNoteIssued", "PaymentReceived")


class BillingEvent(InboundEvent):
    """``detail`` of a billing event the ledger posts; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[InvoiceIssuedIn | CreditNoteIssuedIn | PaymentReceivedIn, Field(discriminator="kind")]

    def to_command(self) -> PostingCommand:
        return self.data.to_command(self.metadata.event_id)
