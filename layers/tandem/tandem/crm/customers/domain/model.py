"""Customers as the CRM sees them through events: who ordered or asked support, and what happened since.

A customer is keyed by email: ``id = uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())``, so
every context (and a person typing an address into a search) finds the same customer without a lookup.
Access is not: a customer's token reads the record only when its ``sub`` is one of the record's ``subjects``
(recorded from OrderPlaced / InvoiceIssued ``customer_sub``), and ``me`` names the record of their latest order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import NAMESPACE_URL, UUID, uuid5

# A ticket's status as the support events spell it, plus ``merged`` (it lives on in another ticket).
TicketStatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed", "merged"]
OPEN_TICKET_STATUSES: frozenset[str] = frozenset({"new", "open", "pending", "on_hold"})


def customer_id_for(email: str) -> UUID:
    return uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())


@dataclass(frozen=True, slots=True)
class Customer:
    id: UUID
    email: str
    name: str | None
    created_at: datetime
    subjects: frozenset[str] = frozenset()  # token ``sub`` of each customer who ordered under this email
    open_tickets: tuple[TicketSummary, ...] = ()  # their support tickets not yet solved, closed or merged


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: UUID
    email: str


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
    ticket_id: str | None = None
    ticket_number: str | None = None


@dataclass(frozen=True, slots=True)
class TicketChange:
    """What one support event says about a ticket's summary: its status as of ``at`` (the event's time),
    and the subject and opening time when it is the TicketOpened."""

    ticket_id: str
    number: str
    status: TicketStatusName
    at: datetime
    subject: str | None = None
    opened_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """A ticket on its customer's record, as the support events told it (the CRM never reads support's
    table). Events arrive in any order: the status of the latest event wins (``status_at``), and the subject
    and opening time stay null until the TicketOpened has arrived."""

    ticket_id: str
    number: str
    status: TicketStatusName
    status_at: datetime
    subject: str | None = None
    opened_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TICKET_STATUSES

    @classmethod
    def after(cls, current: TicketSummary | None, change: TicketChange) -> TicketSummary:
        """The summary once ``change`` is applied to ``current`` (None: not seen yet); an older status than
        the one recorded is ignored, so a late TicketOpened does not reopen a solved ticket."""
        if current is None:
            return cls(change.ticket_id, change.number, change.status, change.at, change.subject, change.opened_at)
        newer = change.at >= current.status_at
        return replace(
            current,
            status=change.status if newer else current.status,
            status_at=change.at if newer else current.status_at,
            subject=current.subject or change.subject,
            opened_at=current.opened_at or change.opened_at,
        )
