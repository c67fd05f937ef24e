"""Builders for support domain tests: tickets, messages and an in-memory stand-in for the threading lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.threads import Lookups, TicketFacts

SECRET = b"k" * 32
DOMAIN = "tandem.example"
SUPPORT = "support@tandem.example"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def inbound(sender: str = "ada@example.com", *, minutes: int = 0, **overrides: object) -> TicketMessage:
    values: dict = {
        "id": uuid4(),
        "direction": Direction.INBOUND,
        "sender": sender,
        "body_text": "The lid of the box was broken.",
        "at": T0 + timedelta(minutes=minutes),
        "message_id": f"<{uuid4().hex}@mail.example.com>",
    }
    return TicketMessage(**{**values, **overrides})


def outbound(message_id: str, *, minutes: int = 0, author: str = "agent-1") -> TicketMessage:
    return TicketMessage(
        id=uuid4(),
        direction=Direction.OUTBOUND,
        sender=SUPPORT,
        body_text="A replacement is on its way.",
        at=T0 + timedelta(minutes=minutes),
        message_id=message_id,
        author=author,
    )


def note(*, minutes: int = 0) -> TicketMessage:
    return TicketMessage(
        id=uuid4(), direction=Direction.NOTE, sender=SUPPORT, body_text="Called the carrier.", at=T0, author="agent-1"
    )


def ticket(number: int = 1, requester: str = "ada@example.com", **first: object) -> Ticket:
    return Ticket.open(
        uuid4(),
        number,
        "Broken lid",
        inbound(requester, **first),  # type: ignore[arg-type]
        requester=Requester(email=requester, name="Ada"),
        channel=Channel.EMAIL,
    )


@dataclass
class Desk:
    """The tickets the lookups can see, as the adapter would read them from the table."""

    tickets: dict[UUID, Ticket] = field(default_factory=dict)

    def add(self, *tickets: Ticket) -> Desk:
        self.tickets.update({t.id: t for t in tickets})
        return self

    def facts(self, ticket_id: UUID) -> TicketFacts | None:
        t = self.tickets.get(ticket_id)
        if t is None:
            return None
        return TicketFacts(t.id, t.status, t.requester.email, t.ccs, t.merged_into)

    def by_number(self, number: int) -> TicketFacts | None:
        found = [t.id for t in self.tickets.values() if t.number == number]
        return self.facts(found[0]) if found else None

    def of_message_id(self, message_id: str) -> UUID | None:
        return next((t.id for t in self.tickets.values() if t.has_message(message_id)), None)

    @property
    def lookups(self) -> Lookups:
        return Lookups(ticket=self.facts, ticket_by_number=self.by_number, ticket_of_message_id=self.of_message_id)
