"""What a ticket's thread is made of, and the RFC 5322 headers a reply needs to join it in a mail client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

MAX_REFERENCES = 20  # long threads: the first and the latest ids are what clients need (RFC 5322 3.6.4)


class Direction(StrEnum):
    INBOUND = "inbound"  # from the requester or a CC: email, form, app, assistant
    OUTBOUND = "outbound"  # an agent's reply, emailed
    NOTE = "note"  # internal, never emailed


class Channel(StrEnum):
    EMAIL = "email"
    WEB_FORM = "web_form"
    APP = "app"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class Requester:
    email: str
    name: str | None = None
    customer_sub: str | None = None  # the token ``sub`` of a signed-in customer: what ownership is checked on


@dataclass(frozen=True, slots=True)
class TicketMessage:
    id: UUID
    direction: Direction
    sender: str  # the ``from`` address; an agent's note or reply: the agent's address
    body_text: str
    at: datetime
    message_id: str | None = None  # the email Message-ID, with its angle brackets; None for notes and forms
    attachment_ids: tuple[str, ...] = ()
    author: str | None = None  # the agent's sub, for outbound messages and notes
    auto_reply: bool = False  # an out-of-office reply


@dataclass(frozen=True, slots=True)
class ReplyThreading:
    in_reply_to: str | None
    references: tuple[str, ...]


def reply_threading(messages: Sequence[TicketMessage]) -> ReplyThreading:
    """In-Reply-To: the latest message from the customer's side (what the agent answers); References: the
    thread's email Message-IDs in order, notes never (they were not sent), the first and the latest
    ``MAX_REFERENCES - 1`` when the thread is long."""
    mailed = [m.message_id for m in messages if m.direction is not Direction.NOTE and m.message_id]
    inbound = [m.message_id for m in messages if m.direction is Direction.INBOUND and m.message_id and not m.auto_reply]
    references = mailed if len(mailed) <= MAX_REFERENCES else [mailed[0], *mailed[-(MAX_REFERENCES - 1) :]]
    return ReplyThreading(in_reply_to=inbound[-1] if inbound else None, references=tuple(references))
