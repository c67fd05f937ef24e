"""Response models of the customers routes of the CRM API (the edge; the domain never sees them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal, cast
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.crm.customers.domain.commands import Viewer
from tandem.crm.customers.domain.model import Customer, TicketSummary, TimelineEntry
from tandem.shared.auth import ADMIN_GROUP, identity_of
from tandem.shared.money import amount_text
from tandem.shared.openapi import Currency, ItemsPage, Money
from tandem.shared.paging import Page

# The sales, billing and support events the timeline records (the kinds ``inbound.CommerceEvent`` and
# ``inbound.SupportEvent`` read).
TimelineEventType = Literal[
    "OrderPlaced",
    "OrderConfirmed",
    "OrderRejected",
    "OrderCancelled",
    "OrderShipped",
    "InvoiceIssued",
    "CreditNoteIssued",
    "PaymentReceived",
    "InvoicePaid",
    "TicketOpened",
    "TicketMessageReceived",
    "TicketReplied",
    "TicketStatusChanged",
    "TicketMerged",
    "CsatRecorded",
]
OpenTicketStatus = Literal["new", "open", "pending", "on_hold"]


class CustomerTicketView(BaseModel):
    """One of the customer's support tickets that is not solved, closed or merged yet, as the support events
    told the CRM."""

    ticket_id: UUID
    number: str = Field(description="The ticket's reference", examples=["T-000123"])
    subject: str | None = Field(description="One line; null until the CRM has seen the ticket's TicketOpened")
    status: OpenTicketStatus
    opened_at: datetime | None = Field(description="When it was opened; null until TicketOpened was seen")

    @classmethod
    def of(cls, ticket: TicketSummary) -> CustomerTicketView:
        return cls(
            ticket_id=UUID(ticket.ticket_id),
            number=ticket.number,
            subject=ticket.subject,
            status=cast(OpenTicketStatus, ticket.status),
            opened_at=ticket.opened_at,
        )


class CustomerView(BaseModel):
    """A customer: someone who ordered or asked support, as the CRM learnt of them from commerce and support
    events. The id derives from the lower-cased email, so one email is one customer."""

    id: UUID
    email: str
    name: str | None = Field(description="The name the latest order or invoice gave; null until one did")
    created_at: datetime = Field(description="When the first event about this customer occurred")
    open_tickets: list[CustomerTicketView] = Field(
        description="Their support tickets not yet solved, closed or merged (at most 100), oldest first"
    )

    @classmethod
    def of(cls, customer: Customer) -> CustomerView:
        return cls(
            id=customer.id,
            email=customer.email,
            name=customer.name,
            created_at=customer.created_at,
            open_tickets=[CustomerTicketView.of(t) for t in customer.open_tickets if t.is_open],
        )


class CustomerList(ItemsPage[CustomerView]):
    """The customers found: none or one (one email is one customer), so never a next page."""

    @classmethod
    def of(cls, page: Page[Customer]) -> CustomerList:
        return cls(items=[CustomerView.of(c) for c in page.items], next_token=page.cursor)


class TimelineEntryView(BaseModel):
    """One commerce or support event in a customer's history."""

    occurred_at: datetime
    event_type: TimelineEventType
    summary: str = Field(
        description="The event in one sentence, for a person", examples=["Order placed: 2 items, EUR 36.00"]
    )
    order_id: str | None
    invoice_id: str | None
    amount: Money | None = Field(description="The event's amount (order or document total, payment); null if none")
    currency: Currency | None
    ticket_id: UUID | None = Field(description="The support ticket the event is about; null for commerce events")
    ticket_number: str | None = Field(description="That ticket's reference (T-000123)")

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryView:
        return cls(
            occurred_at=entry.occurred_at,
            event_type=cast(TimelineEventType, entry.event_type),
            summary=entry.summary,
            order_id=entry.order_id,
            invoice_id=entry.invoice_id,
            amount=None if entry.amount is None else amount_text(entry.amount, entry.currency),
            currency=entry.currency,
            ticket_id=UUID(entry.ticket_id) if entry.ticket_id else None,
            ticket_number=entry.ticket_number,
        )


class CustomerTimeline(ItemsPage[TimelineEntryView]):
    """One page of a customer's commerce and support events, oldest first."""

    @classmethod
    def of(cls, timeline: tuple[Customer, Page[TimelineEntry]]) -> CustomerTimeline:
        _, page = timeline  # the customer is GET /customers/{id}
        return cls(items=[TimelineEntryView.of(e) for e in page.items], next_token=page.cursor)


SALES_GROUPS = frozenset({"sales", ADMIN_GROUP})


def viewer_of(event: Mapping[str, object]) -> Viewer:
    """Sales read every customer; anyone else (a customer) only the record their token ``sub`` ordered on."""
    identity = identity_of(event)
    return Viewer(sub=identity.sub, staff=bool(identity.groups & SALES_GROUPS))
