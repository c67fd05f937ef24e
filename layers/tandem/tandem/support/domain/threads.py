"""Which ticket an inbound message belongs to, decided in a fixed order that never mis-threads:

(a) our own signed token (``tokens``) in In-Reply-To, References or a recipient address;
(b) a Message-ID stored on a ticket, in In-Reply-To or References;
(c) the ticket's reference in the subject (``[#T-000123]``), only when the sender is that ticket's
    requester or one of its CCs: a stranger quoting a reference gets a ticket of their own;
otherwise a new ticket. Subject text alone never threads.

In-Reply-To is tried first (the message answered), then References from the latest back. The ticket found
is then followed through ``merged_into`` to the one that survived; a closed one gives a new ticket
``linked_to`` it. The lookups are passed in (the adapter reads the table), so this stays pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from tandem.support.domain import rules, tokens
from tandem.support.domain.numbering import subject_references
from tandem.support.domain.rules import TicketStatus

MAX_MERGE_HOPS = 32  # merges form chains, never cycles (the model refuses them); the cap is for bad data


@dataclass(frozen=True, slots=True)
class InboundFacts:
    """What an inbound message says about its thread (from the parsed headers and the envelope)."""

    sender: str
    subject: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()  # To, Cc and the envelope recipient: where a plus-address token arrives


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What threading needs to know of a stored ticket."""

    id: UUID
    status: TicketStatus
    requester_email: str
    ccs: frozenset[str] = frozenset()  # normalised (rules.normalized_email)
    merged_into: UUID | None = None

    def is_party(self, address: str) -> bool:
        wanted = rules.normalized_email(address)
        return wanted == rules.normalized_email(self.requester_email) or wanted in self.ccs


class ThreadedBy(StrEnum):
    TOKEN = "token"
    MESSAGE_ID = "message_id"
    SUBJECT_REFERENCE = "subject_reference"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class ThreadDecision:
    """``ticket_id`` set: append to that ticket. None: open a new ticket, ``linked_to`` the closed one found."""

    ticket_id: UUID | None
    threaded_by: ThreadedBy
    linked_to: UUID | None = None
    merged_from: tuple[UUID, ...] = ()  # the merged tickets followed on the way, the first one found first

    @property
    def is_new(self) -> bool:
        return self.ticket_id is None


@dataclass(frozen=True, slots=True)
class Lookups:
    """The adapter's readers: a ticket by id, by number, and the ticket that stored a Message-ID."""

    ticket: Callable[[UUID], TicketFacts | None]
    ticket_by_number: Callable[[int], TicketFacts | None]
    ticket_of_message_id: Callable[[str], UUID | None]


def _parent_first(facts: InboundFacts) -> list[str]:
    return [*facts.in_reply_to, *reversed(facts.references)]


def _found(facts: InboundFacts, secrets: Sequence[bytes], lookups: Lookups) -> tuple[TicketFacts, ThreadedBy] | None:
    for ticket_id in tokens.tokens_in([*_parent_first(facts), *facts.recipients], secrets):
        if (ticket := lookups.ticket(ticket_id)) is not None:
            return ticket, ThreadedBy.TOKEN
    for message_id in _parent_first(facts):
        stored = lookups.ticket_of_message_id(message_id)
        if stored is not None and (ticket := lookups.ticket(stored)) is not None:
            return ticket, ThreadedBy.MESSAGE_ID
    for number in subject_references(facts.subject):
        ticket = lookups.ticket_by_number(number)
        if ticket is not None and ticket.is_party(facts.sender):
            return ticket, ThreadedBy.SUBJECT_REFERENCE
    return None


def _survivor(ticket: TicketFacts, lookups: Lookups) -> tuple[TicketFacts, tuple[UUID, ...]]:
    """Follow ``merged_into`` to the ticket that lives on; a broken or looping chain stops where it breaks."""
    merged: list[UUID] = []
    while ticket.merged_into is not None and len(merged) < MAX_MERGE_HOPS:
        following = lookups.ticket(ticket.merged_into)
        if following is None or following.id in merged or following.id == ticket.id:
            break
        merged.append(ticket.id)
        ticket = following
    return ticket, tuple(merged)


def resolve_thread(facts: InboundFacts, secrets: Sequence[bytes], lookups: Lookups) -> ThreadDecision:
    """Where ``facts``' message goes: an existing ticket, or a new one (linked to a closed one it answers)."""
    found = _found(facts, secrets, lookups)
    if found is None:
        return ThreadDecision(ticket_id=None, threaded_by=ThreadedBy.NOTHING)
    ticket, threaded_by = found
    ticket, merged = _survivor(ticket, lookups)
    if ticket.status is TicketStatus.CLOSED:
        return ThreadDecision(ticket_id=None, threaded_by=threaded_by, linked_to=ticket.id, merged_from=merged)
    return ThreadDecision(ticket_id=ticket.id, threaded_by=threaded_by, merged_from=merged)
