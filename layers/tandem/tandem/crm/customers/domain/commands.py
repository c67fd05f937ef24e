"""Commands the customers context accepts (imperative names, one handler each)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.crm.customers.domain.model import TimelineEntry


@dataclass(frozen=True, slots=True)
class RecordActivity:
    """Add the entry for one commerce event to its customer's timeline.

    ``customer_email`` is None for an event that names only an order or invoice (a payment): its
    customer is then found through the links earlier events left.
    """

    entry: TimelineEntry
    customer_email: str | None = None
    customer_name: str | None = None
    customer_sub: str | None = None  # the token ``sub`` the event says owns it: recorded among the subjects

    def __post_init__(self) -> None:
        if self.entry.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """``("ORDER", id)`` / ``("INVOICE", id)`` this event ties to its customer."""
        pairs = (("ORDER", self.entry.order_id), ("INVOICE", self.entry.invoice_id))
        return tuple((kind, value) for kind, value in pairs if value)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads the CRM: sales staff read every customer; a customer only the record whose subjects (the
    token ``sub`` of every customer who ordered under its email) include theirs. Email is never a key."""

    sub: str
    staff: bool

    def may_see(self, subjects: frozenset[str]) -> bool:
        return self.staff or self.sub in subjects
