"""Tolerant readers of the sales, billing and support events the customer timeline records (the edge).

Only the fields the timeline needs are read; unknown fields are ignored, so sales, billing and support
can add fields freely. Customers imports nothing of their packages (contexts are decoupled), and these are
plain pydantic models, never ``DomainEvent`` subclasses, so they stay out of the schema registry.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, TypedDict
from uuid import UUID

from pydantic import Field

from tandem.crm.customers.domain import rules
from tandem.crm.customers.domain.commands import RecordActivity
from tandem.crm.customers.domain.model import TicketChange, TicketStatusName, TimelineEntry
from tandem.shared.envelope import InboundEvent, TolerantReader

Amount = Annotated[Decimal, Field(allow_inf_nan=False)]
Email = Annotated[str, Field(min_length=3, max_length=254)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Currency = Annotated[str, Field(min_length=3, max_length=3)]
Subject = Annotated[str, Field(min_length=1, max_length=128)]  # a token ``sub`` (Cognito: a UUID)
TicketNumber = Annotated[str, Field(pattern=r"^T-\d{6,12}$")]


class Stamp(TypedDict):
    """What every timeline entry takes from the event's metadata."""

    event_id: UUID
    occurred_at: datetime
    event_type: str


class _Party(TolerantReader):
    email: Email
    name: str | None = Field(default=None, max_length=200)


class _Line(TolerantReader):
    quantity: int = Field(ge=0)


class OrderPlacedIn(TolerantReader):
    kind: Literal["OrderPlaced"]
    order_id: Id
    customer: _Party
    lines: list[_Line] = []
    currency: Currency
    gross_total: Amount
    customer_sub: Subject | None = None  # who placed and owns the order (absent: staff placed it)

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.order_placed((line.quantity for line in self.lines), self.currency, self.gross_total)
        return RecordActivity(
            TimelineEntry(
                **entry, summary=summary, order_id=self.order_id, amount=self.gross_total, currency=self.currency
            ),
            customer_email=self.customer.email,
            customer_name=self.customer.name,
            customer_sub=self.customer_sub,
        )


class _OrderEvent(TolerantReader):
    order_id: Id
    customer_email: Email


class OrderConfirmedIn(_OrderEvent):
    kind: Literal["OrderConfirmed"]
    invoice_id: Id | None = None
    invoice_number: str | None = None

    def activity(self, entry: Stamp) -> RecordActivity:
        return RecordActivity(
            TimelineEntry(
                **entry,
                summary=rules.order_confirmed(self.invoice_number),
                order_id=self.order_id,
                invoice_id=self.invoice_id,
            ),
            customer_email=self.customer_email,
        )


class OrderRejectedIn(_OrderEvent):
    kind: Literal["OrderRejected"]
    reason: str = "rejected"

    def activity(self, entry: Stamp) -> RecordActivity:
        return RecordActivity(
            TimelineEntry(**entry, summary=rules.order_rejected(self.reason), order_id=self.order_id),
            customer_email=self.customer_email,
        )


class OrderCancelledIn(_OrderEvent):
    kind: Literal["OrderCancelled"]
    reason: str = "cancelled"
    invoice_id: Id | None = None

    def activity(self, entry: Stamp) -> RecordActivity:
        return RecordActivity(
            TimelineEntry(
                **entry, summary=rules.order_cancelled(self.reason), order_id=self.order_id, invoice_id=self.invoice_id
            ),
            customer_email=self.customer_email,
        )


class OrderShippedIn(_OrderEvent):
    kind: Literal["OrderShipped"]
    lines: list[_Line] = []

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.order_shipped(line.quantity for line in self.lines)
        return RecordActivity(
            TimelineEntry(**entry, summary=summary, order_id=self.order_id), customer_email=self.customer_email
        )


class InvoiceIssuedIn(TolerantReader):
    kind: Literal["InvoiceIssued"]
    invoice_id: Id
    number: str
    order_id: Id | None = None
    customer: _Party
    currency: Currency
    gross_total: Amount
    customer_sub: Subject | None = None

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.invoice_issued(self.number, self.currency, self.gross_total)
        return RecordActivity(
            TimelineEntry(
                **entry,
                summary=summary,
                order_id=self.order_id,
                invoice_id=self.invoice_id,
                amount=self.gross_total,
                currency=self.currency,
            ),
            customer_email=self.customer.email,
            customer_name=self.customer.name,
            customer_sub=self.customer_sub,
        )


class CreditNoteIssuedIn(TolerantReader):
    kind: Literal["CreditNoteIssued"]
    number: str
    invoice_id: Id
    invoice_number: str | None = None
    order_id: Id | None = None
    customer_email: Email
    currency: Currency
    gross_total: Amount

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.credit_note_issued(self.number, self.invoice_number, self.currency, self.gross_total)
        return RecordActivity(
            TimelineEntry(
                **entry,
                summary=summary,
                order_id=self.order_id,
                invoice_id=self.invoice_id,
                amount=self.gross_total,
                currency=self.currency,
            ),
            customer_email=self.customer_email,
        )


class PaymentReceivedIn(TolerantReader):
    kind: Literal["PaymentReceived"]
    order_id: Id | None = None
    invoice_id: Id | None = None
    customer_email: Email | None = None
    amount: Amount
    currency: Currency
    unapplied_amount: Amount | None = None

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.payment_received(self.currency, self.amount, self.unapplied_amount)
        return RecordActivity(
            TimelineEntry(
                **entry,
                summary=summary,
                order_id=self.order_id,
                invoice_id=self.invoice_id,
                amount=self.amount,
                currency=self.currency,
            ),
            customer_email=self.customer_email,
        )


class InvoicePaidIn(TolerantReader):
    kind: Literal["InvoicePaid"]
    invoice_id: Id
    number: str
    order_id: Id | None = None
    customer_email: Email

    def activity(self, entry: Stamp) -> RecordActivity:
        return RecordActivity(
            TimelineEntry(
                **entry, summary=rules.invoice_paid(self.number), order_id=self.order_id, invoice_id=self.invoice_id
            ),
            customer_email=self.customer_email,
        )


CommerceData = (
    OrderPlacedIn
    | OrderConfirmedIn
    | OrderRejectedIn
    | OrderCancelledIn
    | OrderShippedIn
    | InvoiceIssuedIn
    | CreditNoteIssuedIn
    | PaymentReceivedIn
    | InvoicePaidIn
)


class CommerceEvent(InboundEvent):
    """``detail`` of a sales or billing event; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[CommerceData, Field(discriminator="kind")]

    def to_command(self) -> RecordActivity:
        meta = self.metadata
        return self.data.activity(
            Stamp(event_id=meta.event_id, occurred_at=meta.occurred_at, event_type=meta.event_type)
        )


class _TicketEvent(TolerantReader):
    ticket_id: UUID
    number: TicketNumber

    def _entry(self, entry: Stamp, summary: str) -> TimelineEntry:
        return TimelineEntry(**entry, summary=summary, ticket_id=str(self.ticket_id), ticket_number=self.number)


class TicketOpenedIn(_TicketEvent):
    kind: Literal["TicketOpened"]
    subject: str = Field(max_length=2000)
    requester_email: Email
    channel: str = Field(max_length=40)
    opened_at: datetime
    excerpt: str = Field(default="", max_length=2000)

    def activity(self, entry: Stamp) -> RecordActivity:
        subject = rules.clean(self.subject)
        return RecordActivity(
            self._entry(entry, rules.ticket_opened(self.number, self.channel, self.subject)),
            customer_email=self.requester_email,
            ticket=TicketChange(str(self.ticket_id), self.number, "new", self.opened_at, subject, self.opened_at),
        )


class TicketMessageReceivedIn(_TicketEvent):
    kind: Literal["TicketMessageReceived"]
    requester_email: Email | None = None  # absent: the ticket's customer is found through its TICKET link
    auto_reply: bool = False
    excerpt: str = Field(default="", max_length=2000)

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.ticket_message(self.number, self.excerpt, self.auto_reply)
        return RecordActivity(self._entry(entry, summary), customer_email=self.requester_email)


class TicketRepliedIn(_TicketEvent):
    kind: Literal["TicketReplied"]
    requester_email: Email | None = None
    excerpt: str = Field(default="", max_length=2000)

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.ticket_replied(self.number, self.excerpt)
        return RecordActivity(self._entry(entry, summary), customer_email=self.requester_email)


class TicketStatusChangedIn(_TicketEvent):
    kind: Literal["TicketStatusChanged"]
    from_status: TicketStatusName
    to_status: TicketStatusName
    changed_at: datetime
    requester_email: Email

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.ticket_status_changed(self.number, self.from_status, self.to_status)
        return RecordActivity(
            self._entry(entry, summary),
            customer_email=self.requester_email,
            ticket=TicketChange(str(self.ticket_id), self.number, self.to_status, self.changed_at),
        )


class TicketMergedIn(_TicketEvent):
    kind: Literal["TicketMerged"]
    merged_into_number: TicketNumber
    merged_at: datetime
    requester_email: Email | None = None

    def activity(self, entry: Stamp) -> RecordActivity:
        summary = rules.ticket_merged(self.number, self.merged_into_number)
        return RecordActivity(
            self._entry(entry, summary),
            customer_email=self.requester_email,
            ticket=TicketChange(str(self.ticket_id), self.number, "merged", self.merged_at),
        )


class CsatRecordedIn(_TicketEvent):
    kind: Literal["CsatRecorded"]
    rating: int = Field(ge=1, le=5)
    requester_email: Email | None = None  # absent: the ticket's customer is found through its TICKET link

    def activity(self, entry: Stamp) -> RecordActivity:
        return RecordActivity(
            self._entry(entry, rules.csat_recorded(self.number, self.rating)), customer_email=self.requester_email
        )


SupportData = (
    TicketOpenedIn | TicketMessageReceivedIn | TicketRepliedIn | TicketStatusChangedIn | TicketMergedIn | CsatRecordedIn
)


class SupportEvent(InboundEvent):
    """``detail`` of a support (ticket) event; ``data`` is read by ``metadata.event_type``."""

    data: Annotated[SupportData, Field(discriminator="kind")]

    def to_command(self) -> RecordActivity:
        meta = self.metadata
        return self.data.activity(
            Stamp(event_id=meta.event_id, occurred_at=meta.occurred_at, event_type=meta.event_type)
        )
