"""What a ticket's thread is made of, and the RFC 5322 headers a reply needs to join it in a mail client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

MAX_REFERENCES = 20  # long threads: the first and the latest ids are what clients need (RFC 5322 3.6.4)
# What of a message's text its DynamoDB item holds (an item is at most 400 KB); the whole text is kept in the
# mail bucket when it is longer, or when quotes and a signature were cut from what the item shows.
INLINE_BODY_BYTES = 100_000


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
    body_key: str | None = None  # the whole text in the mail bucket (quotes and signature included, never cut)
    html_key: str | None = None  # the sanitised HTML body in the mail bucket (``cid:`` references as sent)
    body_truncated: bool = False  # ``body_text`` is the first ``INLINE_BODY_BYTES`` of the visible text


def inline_text(text: str, limit: int = INLINE_BODY_BYTES) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` bytes of UTF-8, on a character boundary; and whether it was cut."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    return encoded[:limit].decode("utf-8", "ignore"), True


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
