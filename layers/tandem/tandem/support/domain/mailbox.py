"""The support mailbox's own records and mail: what an inbound delivery became, the files kept of it, and
the outbound messages (acknowledgement, agent reply) with the headers that thread them (RFC 5322, RFC 3834).

Pure: the service fills these in, the adapters store and send them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from tandem.support.domain import tokens
from tandem.support.domain.mail_message import ParsedMessage
from tandem.support.domain.messages import ReplyThreading
from tandem.support.domain.numbering import format_ticket_number, subject_with_reference
from tandem.support.domain.threads import InboundFacts

ACKNOWLEDGEMENTS_PER_HOUR = 3  # per sender: two auto-responders must never talk to each other forever
NO_SUBJECT = "(no subject)"


class InboundOutcome(StrEnum):
    OPENED = "opened"  # a new ticket
    APPENDED = "appended"  # to an existing ticket
    REJECTED = "rejected"  # recorded with its reason, never a ticket
    DUPLICATE = "duplicate"  # the same message delivered again: nothing new
    BOUNCE = "bounce"  # a delivery status notification (shown on its ticket when matched)
    IGNORED = "ignored"  # an out-of-office reply that threads to no ticket (listed with the rejected)


@dataclass(frozen=True, slots=True)
class InboundRecord:
    """One delivery to a support mailbox, stored once per (mailbox, key): ``key`` is ``mid:<Message-ID>`` or
    ``sha256:<body hash>`` (``mail_message.dedupe_key``). ``raw_key`` is where its raw MIME is kept."""

    id: UUID
    mailbox: str
    key: str
    raw_key: str
    received_at: datetime
    outcome: InboundOutcome
    ticket_id: UUID | None = None
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None
    size: int = 0
    reason: str | None = None  # a rejection's reason (``RejectionReason``)
    detail: str | None = None  # what was wrong, or why no acknowledgement went out


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An attachment of a ticket message as kept in S3 (the bytes are there, not here)."""

    id: str  # ``a1``, ``a2``… in MIME order
    filename: str
    content_type: str
    size: int
    key: str  # the S3 object key
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True, slots=True)
class OutboundMail:
    """A message we send: every one carries our own Message-ID and a plus-addressed Reply-To (``tokens``)."""

    sender: str
    to: str
    subject: str
    text: str
    message_id: str
    reply_to: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # RFC 3834's Auto-Submitted: "auto-replied" on acknowledgements (answers to a message), "auto-generated" on
    # what we send of our own accord (the survey); responders then leave both unanswered. None: a person wrote it.
    auto_submitted: Literal["auto-replied", "auto-generated"] | None = None


def facts_of(parsed: ParsedMessage, mailbox: str) -> InboundFacts:
    """What threading reads of a parsed message; the envelope recipient is where a plus-address arrives."""
    return InboundFacts(
        sender=parsed.sender,
        subject=parsed.subject,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        recipients=tuple(dict.fromkeys((mailbox, *parsed.to, *parsed.cc))),
    )


def our_domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def outbound(
    ticket_id: UUID, number: int, subject: str, to: str, text: str, *, support_address: str, secret: bytes, unique: str
) -> OutboundMail:
    """A message of ticket ``ticket_id`` to ``to`` with our Message-ID and Reply-To (threading not yet set)."""
    return OutboundMail(
        sender=support_address,
        to=to,
        subject=subject_with_reference(subject or NO_SUBJECT, number),
        text=text,
        message_id=tokens.message_id_for(ticket_id, our_domain(support_address), secret, unique),
        reply_to=tokens.reply_to_for(ticket_id, support_address, secret),
    )


def threaded(mail: OutboundMail, threading: ReplyThreading) -> OutboundMail:
    return replace(mail, in_reply_to=threading.in_reply_to, references=threading.references)


def acknowledgement_text(number: int, name: str | None) -> str:
    greeting = f"Hello {name}," if name else "Hello,"
    reference = format_ticket_number(number)
    return (
        f"{greeting}\n\nthank you for your message. We have opened ticket {reference} and will answer as soon as"
        " we can. To add anything, simply reply to this email.\n\nThis is an automatic reply."
    )


def internal_notice(to: str, subject: str, text: str, *, support_address: str, unique: str) -> OutboundMail:
    """A note to someone of ours (the team lead): no ticket token anywhere and Reply-To the recipient, so an
    answer never lands in the support mailbox as a ticket, nor on the customer's thread."""
    return OutboundMail(
        sender=support_address,
        to=to,
        subject=subject,
        text=text,
        message_id=f"<n-{unique}@{our_domain(support_address)}>",
        reply_to=to,
    )


def breach_notice(number: str, subject: str, target: str, priority: str, escalated_to: str, due: str) -> str:
    """The team lead's plain text of an SLA breach (the subject is the customer's words: text only, escaped
    wherever it becomes HTML, never in a header)."""
    target_name = target.replace("_", " ")
    escalation = (
        f"Its priority was raised from {priority} to {escalated_to}."
        if escalated_to != priority
        else f"It was already {priority}: it cannot be raised further."
    )
    return (
        f"Ticket {number} missed its {target_name} target (due {due}).\n\nSubject: {subject}\n\n{escalation}\n\n"
        "This is an automatic notice of the support desk."
    )
