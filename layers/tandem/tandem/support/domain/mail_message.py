"""What an inbound email becomes once parsed (``inbound_mail.parse_message``): a ``ParsedMessage`` a ticket
can be made of, or a ``Rejection`` with its reason, which agents see at ``GET /support/rejected``.

The raw MIME is stored by the adapter before parsing, whatever the outcome: these are views of it, so an
attachment dropped for its size, or a body cut short, can still be recovered from the original.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tandem.support.domain.delivery_status import DeliveryReport

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class MailLimits:
    """Sizes an inbound message may have. SES accepts up to 40 MB; a ticket does not need that much, and a
    Lambda holds the whole message and its decoded parts in memory at once."""

    max_message_bytes: int = 15 * MIB  # the raw MIME, base64 included: about 11 MB of attachments
    max_attachment_bytes: int = 10 * MIB  # one decoded file; a larger one is dropped with a note
    max_attachments: int = 50  # more is a mail merge gone wrong, not a customer: the rest is dropped too


class RejectionReason(StrEnum):
    NO_USABLE_SENDER = "no_usable_sender"  # no From, or not one address we could answer
    TOO_LARGE = "too_large"  # over ``MailLimits.max_message_bytes``
    UNPARSEABLE = "unparseable"  # the MIME structure could not be read at all


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file of the message, inline images included. ``id`` is stable within the message (``a1``, ``a2``
    in MIME order), so the adapter can key the S3 object on (message, id) and a redelivery overwrites it."""

    id: str
    filename: str
    content_type: str
    content: bytes = field(repr=False)
    content_id: str | None = None  # without angle brackets: what ``cid:`` in the HTML names
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True, slots=True)
class DroppedAttachment:
    """A file left out of the ticket, with why: shown to the agent so nobody waits for a file that never came.
    It stays in the stored raw message."""

    filename: str
    content_type: str
    size: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    message_id: str | None  # with angle brackets, as threading stores it; None when the sender gave none
    sender: str  # normalised (``rules.normalized_email``)
    sender_name: str | None
    subject: str
    date: datetime | None  # timezone-aware; None when missing or unreadable
    body_text: str  # the whole text, quoted history included
    visible_text: str  # what the person wrote this time: quotes and signature cut
    body_html: str | None  # sanitised with nh3; never the sender's HTML as sent
    content_sha256: str  # the dedupe key's second half when there is no Message-ID
    size: int  # of the raw message, in bytes
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    dropped_attachments: tuple[DroppedAttachment, ...] = ()
    cid_map: dict[str, str] = field(default_factory=dict)  # content-id referenced by the HTML -> attachment id
    headers: dict[str, str] = field(default_factory=dict)  # the classifying ones (``CLASSIFYING_HEADERS``)
    return_path: str | None = None  # "" for the null reverse-path ``<>``; None when absent
    delivery_report: DeliveryReport | None = None  # a DSN (RFC 3464): which of our messages bounced
    notes: tuple[str, ...] = ()  # what parsing had to tolerate (header defects, unknown charsets)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A message that cannot become a ticket; recorded, never dropped. What could be read is kept so the
    agent can tell whose it was."""

    reason: RejectionReason
    detail: str
    content_sha256: str
    size: int
    message_id: str | None = None
    sender: str | None = None
    subject: str | None = None


def content_hash(raw: bytes, *identifying: str) -> str:
    """sha256 of the body of the raw message (after the header block) and the ``identifying`` header values
    (From, Date, Subject): two deliveries of one message may differ in their trace headers (``Received``,
    ``X-SES-*``), never in these; two people who both write "Thanks" without a Message-ID still differ."""
    digest = hashlib.sha256()
    for value in identifying:
        digest.update(value.encode("utf-8", "surrogateescape") + b"\0")
    for separator in (b"\r\n\r\n", b"\n\n"):
        _, found, body = raw.partition(separator)
        if found:
            digest.update(body)
            return digest.hexdigest()
    digest.update(raw)
    return digest.hexdigest()


def dedupe_key(mailbox: str, message: ParsedMessage | Rejection) -> tuple[str, str]:
    """What makes a delivery the same message: (mailbox, Message-ID), or (mailbox, body hash) without one.
    ``mailbox`` is the address it was delivered to: the same message sent to two of our addresses is two."""
    if message.message_id:
        return mailbox.strip().casefold(), f"mid:{message.message_id}"
    return mailbox.strip().casefold(), f"sha256:{message.content_sha256}"
