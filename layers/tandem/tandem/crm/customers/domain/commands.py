"""Commands the customers context accepts (imperative names, one handler each)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.crm.customers.domain.model import TicketChange, TimelineEntry


@dataclass(frozen=True, slots=True)
class RecordActivity:
    """Add the entry for one commerce or support event to its customer's timeline.

    ``customer_email`` is None for an event that names only an order, invoice or ticket (a payment, a
    ticket event from before ``requester_email`` was sent): its customer is then found through the links
    earlier events left. ``ticket`` updates the ticket's summary on the customer record.
    """

    entry: TimelineEntry
    customer_email: str | None = None
    customer_name: str | None = None
    customer_sub: str | None = None  # the token ``sub`` the event says owns it: recorded among the subjects
    ticket: TicketChange | None = None

    def __post_init__(self) -> None:
        if self.entry.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """``("ORDER", id)`` / ``("INVOICE", id)`` / ``("TICKET", id)`` this event ties to its customer."""
        pairs = (("ORDER", self.entry.order_id), ("INVOICE", self.entry.invoice_id), ("TICKET", self.entry.ticket_id))
        return tuple((kind, value) for kind, value in pairs if value)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads the CRM: sales staff read every customer; a customer only the record whose subjects (the
    token ``sub`` of every customer who ordered under its email) include theirs. Email is never a key."""

    sub: str
    staff: bool

    def may_see(self, subjects: frozenset[str]) -> bool:
        return self.staff or self.sub in subjects
