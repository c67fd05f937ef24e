"""Raw MIME in, a ``ParsedMessage`` or a ``Rejection`` out: ``parse_message`` never raises.

The stdlib ``email`` package with ``policy.default`` reads the message: RFC 2047 encoded words in headers,
RFC 2231 file names, every charset Python knows, and a malformed header recorded as a defect instead of an
error (the defects become the message's ``notes``). What cannot become a ticket is a ``Rejection`` with its
reason: over the size limit (only the headers are read then), no address to answer, or a structure that
could not be read at all. The adapter stores the raw message first, so neither outcome loses anything.
"""

from __future__ import annotations

from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser

from tandem.shared.text import one_line
from tandem.support.domain import mail_body, mail_headers, mail_parts
from tandem.support.domain.delivery_status import delivery_report
from tandem.support.domain.mail_headers import HEADER_ERRORS
from tandem.support.domain.mail_message import (
    MailLimits,
    ParsedMessage,
    Rejection,
    RejectionReason,
    content_hash,
)

SUBJECT_MAX = 998  # RFC 5322's line limit: a longer subject is someone's mistake or an attack
HEADERS_READ_WHEN_TOO_LARGE = 256 * 1024  # enough for any real header block; the body is never read
NOTES_MAX = 20
PARSE_ERRORS = (*HEADER_ERRORS, RecursionError)  # a MIME tree nested thousands deep exhausts the stack


def parse_message(raw: bytes, limits: MailLimits | None = None) -> ParsedMessage | Rejection:
    """The message in ``raw``, or why it cannot be a ticket (see the module's note)."""
    limits = limits or MailLimits()
    if len(raw) > limits.max_message_bytes:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw[:HEADERS_READ_WHEN_TOO_LARGE])
        detail = f"{len(raw)} bytes, over the limit of {limits.max_message_bytes}"
        return _rejection(headers, raw, RejectionReason.TOO_LARGE, detail)
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except PARSE_ERRORS as exc:
        return Rejection(RejectionReason.UNPARSEABLE, type(exc).__name__, content_hash(raw), len(raw))
    found = mail_headers.sender(message)
    if found is None:
        return _rejection(message, raw, RejectionReason.NO_USABLE_SENDER, _why_no_sender(message))
    try:
        return _parsed(message, raw, found, limits)
    except PARSE_ERRORS as exc:
        return _rejection(message, raw, RejectionReason.UNPARSEABLE, f"{type(exc).__name__}: {exc}"[:200])


def _parsed(message: Message, raw: bytes, sender: tuple[str, str | None], limits: MailLimits) -> ParsedMessage:
    parts = mail_parts.split(message, limits)
    html = mail_body.sanitised_html(parts.body_html_raw) if parts.body_html_raw else None
    addresses = _address_fields(message)
    return ParsedMessage(
        message_id=_first_id(message, "Message-ID"),
        sender=sender[0],
        sender_name=sender[1],
        subject=_subject(message),
        date=mail_headers.sent_at(message),
        body_text=parts.body_text,
        visible_text=mail_body.visible_text(parts.body_text),
        body_html=html,
        content_sha256=_content_sha256(message, raw),
        size=len(raw),
        in_reply_to=mail_headers.message_ids(mail_headers.raw_header(message, "In-Reply-To")),
        references=mail_headers.message_ids(mail_headers.raw_header(message, "References")),
        to=addresses["To"],
        cc=addresses["Cc"],
        reply_to=addresses["Reply-To"],
        attachments=parts.attachments,
        dropped_attachments=parts.dropped,
        cid_map=mail_parts.cid_map(parts.body_html_raw, parts.attachments),
        headers=mail_headers.classifying(message),
        return_path=mail_headers.return_path(message),
        delivery_report=delivery_report(message),
        notes=tuple(dict.fromkeys((*parts.notes, *_defects(message))))[:NOTES_MAX],
    )


def _address_fields(message: Message) -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(address for address, _ in mail_headers.addresses(message, name))
        for name in ("To", "Cc", "Reply-To")
    }


def _first_id(message: Message, name: str) -> str | None:
    ids = mail_headers.message_ids(mail_headers.raw_header(message, name))
    return ids[0] if ids else None


def _subject(message: Message) -> str:
    return one_line(mail_headers.raw_header(message, "Subject") or "")[:SUBJECT_MAX]


def _content_sha256(message: Message, raw: bytes) -> str:
    identifying = (mail_headers.raw_header(message, name) or "" for name in ("From", "Date", "Subject"))
    return content_hash(raw, *identifying)


def _why_no_sender(message: Message) -> str:
    raw = mail_headers.raw_header(message, "From")
    if raw is None or not raw.strip():
        return "no From header"
    return f"From {one_line(raw)[:200]!r} holds no address we could answer"


def _defects(message: Message) -> list[str]:
    """The stdlib's defect names (``InvalidHeaderDefect``, ``StartBoundaryNotFoundDefect``), once each."""
    names: list[str] = []
    for part in message.walk():
        names.extend(type(defect).__name__ for defect in getattr(part, "defects", ()))
    return names


def _rejection(message: Message, raw: bytes, reason: RejectionReason, detail: str) -> Rejection:
    found = mail_headers.sender(message)
    return Rejection(
        reason=reason,
        detail=detail,
        content_sha256=_content_sha256(message, raw),
        size=len(raw),
        message_id=_first_id(message, "Message-ID"),
        sender=found[0] if found else None,
        subject=_subject(message) or None,
    )
