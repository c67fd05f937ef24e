"""Customers as the CRM sees them through commerce events: who ordered, and what happened since.

A customer is keyed by email: ``id = uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())``, so
every context (and a person typing an address into a search) finds the same customer without a lookup.
Access is not: a customer's token reads the record only when its ``sub`` is one of the record's ``subjects``
(recorded from OrderPlaced / InvoiceIssued ``customer_sub``), and ``me`` names the record of their latest order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5


def customer_id_for(email: str) -> UUID:
    return uuid5(NAMESPACE_URL, "tandem:customer:" + email.lower())


@dataclass(frozen=True, slots=True)
class Customer:
    id: UUID
    email: str
    name: str | None
    created_at: datetime
    subjects: frozenset[str] = frozenset()  # token ``sub`` of each customer who ordered under this email


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
