"""Response models of the customers routes of the CRM API (the edge; the domain never sees them)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.crm.customers.domain.model import Customer, TimelineEntry
from tandem.shared.money import amount_text
from tandem.shared.paging import Page


class CustomerRefView(BaseModel):
    id: UUID
    email: str
    name: str | None


class CustomerView(CustomerRefView):
    created_at: datetime = Field(description="When the first commerce event about this customer occurred")

    @classmethod
    def of(cls, customer: Customer) -> CustomerView:
        return cls(id=customer.id, email=customer.email, name=customer.name, created_at=customer.created_at)


class CustomerList(BaseModel):
    customers: list[CustomerView]
    next_token: str | None = None

    @classmethod
    def of(cls, customers: list[Customer]) -> CustomerList:
        return cls(customers=[CustomerView.of(c) for c in customers])


class TimelineEntryView(BaseModel):
    occurred_at: datetime
    event_type: str
    summary: str
    order_id: str | None
    invoice_id: str | None
    amount: str | None
    currency: str | None

    @classmethod
    def of(cls, entry: TimelineEntry) -> TimelineEntryView:
        return cls(
            occurred_at=entry.occurred_at,
            event_type=entry.event_type,
            summary=entry.summary,
            order_id=entry.order_id,
            invoice_id=entry.invoice_id,
            amount=None if entry.amount is None else amount_text(entry.amount, entry.currency),
            currency=entry.currency,
        )


class TimelineView(BaseModel):
    customer: CustomerRefView
    entries: list[TimelineEntryView] = Field(description="Oldest first")
    next_token: str | None = Field(default=None, description="Pass as ?next_token= for the next page")

    @classmethod
    def of(cls, timeline: tuple[Customer, Page[TimelineEntry]]) -> TimelineView:
        customer, page = timeline
        return cls(
            customer=CustomerRefView(id=customer.id, email=customer.email, name=customer.name),
            entries=[TimelineEntryView.of(e) for e in page.items],
            next_token=page.cursor,
        )
