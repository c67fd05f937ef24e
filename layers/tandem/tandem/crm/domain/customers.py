"""Customers as the CRM sees them through commerce events: who ordered, and what happened since.

A customer is keyed by email: ``id = uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())``, so
every context (and a person typing an address into a search) finds the same customer without a lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

SUMMARY_MAX = 200


def customer_id_for(email: str) -> UUID:
    return uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())


@dataclass(frozen=True, slots=True)
class Customer:
    id: UUID
    email: str
    name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a customer's history; ``event_id`` makes it unique (a redelivery adds nothing)."""

    event_id: UUID
    occurred_at: datetime
    event_type: str
    summary: str
    order_id: str | None = None
    invoice_id: str | None = None
    amount: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class RecordActivity:
    """Command: add the entry for one commerce event to its customer's timeline.

    ``customer_email`` is None for an event that names only an order or invoice (a payment): its
    customer is then found through the links earlier events left.
    """

    entry: TimelineEntry
    customer_email: str | None = None
    customer_name: str | None = None

    def __post_init__(self) -> None:
        if self.entry.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """``("ORDER", id)`` / ``("INVOICE", id)`` this event ties to its customer."""
        pairs = (("ORDER", self.entry.order_id), ("INVOICE", self.entry.invoice_id))
        return tuple((kind, value) for kind, value in pairs if value)


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: UUID
    email: str


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """A customer and one page of their timeline, oldest first; ``cursor`` is None on the last page."""

    customer: Customer
    entries: list[TimelineEntry]
    cursor: str | None = None
