"""Commands the ledger accepts: post the entry for one billing event (one class per event type)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol
from uuid import UUID

from tandem.ledger.domain import rules
from tandem.ledger.domain.model import JournalLine


class PostingCommand(Protocol):
    """What the service needs of any posting command (read-only: the commands are frozen)."""

    source_event_type: ClassVar[str]

    @property
    def source_event_id(self) -> UUID: ...

    @property
    def currency(self) -> str: ...

    def lines(self) -> tuple[JournalLine, ...]: ...


@dataclass(frozen=True, slots=True)
class _PostDocumentTotals:
    """An invoice or a credit note, by its totals (the posting rules need nothing else)."""

    source_event_id: UUID
    currency: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


@dataclass(frozen=True, slots=True)
class PostInvoiceIssued(_PostDocumentTotals):
    source_event_type: ClassVar[str] = "InvoiceIssued"

    def lines(self) -> tuple[JournalLine, ...]:
        return rules.invoice_issued(net_total=self.net_total, tax_total=self.tax_total, gross_total=self.gross_total)


@dataclass(frozen=True, slots=True)
class PostCreditNoteIssued(_PostDocumentTotals):
    source_event_type: ClassVar[str] = "CreditNoteIssued"

    def lines(self) -> tuple[JournalLine, ...]:
        return rules.credit_note_issued(
            net_total=self.net_total, tax_total=self.tax_total, gross_total=self.gross_total
        )


@dataclass(frozen=True, slots=True)
class PostPaymentReceived:
    source_event_type: ClassVar[str] = "PaymentReceived"
    source_event_id: UUID
    currency: str
    amount: Decimal

    def lines(self) -> tuple[JournalLine, ...]:
        return rules.payment_received(amount=self.amount)
