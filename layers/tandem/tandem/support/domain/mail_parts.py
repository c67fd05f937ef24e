"""The MIME tree of an inbound message: which part is the body, which are files, and what ``cid:`` names.

The body is what the stdlib's ``get_body`` picks (``text/plain`` first, else ``text/html``; inside
``multipart/alternative`` and ``multipart/related`` as clients build them). Every other leaf is a file:
attachments, inline images, a forwarded ``message/rfc822`` (kept whole as ``.eml``), a DSN's report parts.
A file over the per-file limit, or past the count limit, is dropped with a note rather than failing the
message: the person's words still become a ticket, and the raw message in S3 still holds the file.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import unquote

from tandem.shared.text import one_line
from tandem.support.domain import mail_body
from tandem.support.domain.mail_headers import HEADER_ERRORS, raw_header
from tandem.support.domain.mail_message import Attachment, DroppedAttachment, MailLimits

KEPT_WHOLE = ("message/rfc822", "message/delivery-status", "message/global")
FILENAME_MAX = 200
CID_REFERENCE = mail_body.CID_REFERENCE


@dataclass(frozen=True, slots=True)
class Parts:
    body_text: str
    body_html_raw: str | None
    attachments: tuple[Attachment, ...]
    dropped: tuple[DroppedAttachment, ...]
    notes: tuple[str, ...]


def split(message: Message, limits: MailLimits) -> Parts:
    plain, html = _body_part(message, ("plain",)), _body_part(message, ("html",))
    notes: list[str] = []
    text = _text_of(plain, notes) if plain is not None else None
    html_raw = _text_of(html, notes) if html is not None else None
    if text is None:
        text = mail_body.html_to_text(html_raw) if html_raw else ""
    files: list[Attachment] = []
    dropped: list[DroppedAttachment] = []
    files_in_order = (part for part in _leaves(message) if part is not plain and part is not html)
    for number, part in enumerate(files_in_order, start=1):
        file = _file(part, number, limits, notes)
        if isinstance(file, Attachment) and len(files) >= limits.max_attachments:
            file = DroppedAttachment(file.filename, file.content_type, file.size, "over the count limit")
        if isinstance(file, Attachment):
            files.append(file)
        elif file is not None:
            dropped.append(file)
    return Parts(text, html_raw, tuple(files), tuple(dropped), tuple(notes))


def cid_map(html: str | None, attachments: tuple[Attachment, ...]) -> dict[str, str]:
    """Each ``cid:`` the HTML references that a part of the message answers -> that attachment's id."""
    if not html:
        return {}
    by_content_id = {a.content_id.lower(): a.id for a in attachments if a.content_id}
    found = {}
    for reference in CID_REFERENCE.findall(html):
        content_id = unquote(reference).strip("<>")
        if content_id.lower() in by_content_id:
            found[content_id] = by_content_id[content_id.lower()]
    return found


def _body_part(message: Message, preference: tuple[str, ...]) -> Message | None:
    try:
        part = message.get_body(preferencelist=preference) if hasattr(message, "get_body") else None
    except HEADER_ERRORS:
        return None
    return part if isinstance(part, Message) and not part.is_multipart() else None


def _leaves(part: Message) -> Iterator[Message]:
    """Leaf parts in MIME order; ``message/*`` parts stay whole (their insides are not ours to list)."""
    if part.get_content_type() in KEPT_WHOLE or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for child in payload if isinstance(payload, list) else ():
        if isinstance(child, Message):
            yield from _leaves(child)


def _text_of(part: Message, notes: list[str]) -> str:
    decoded = mail_body.decode(_content(part), _charset(part))
    if decoded.note:
        notes.append(decoded.note)
    return decoded.text


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except HEADER_ERRORS:
        return None


def _content(part: Message) -> bytes:
    """The decoded bytes of a part (base64 and quoted-printable undone; broken base64 as far as it goes)."""
    if part.get_content_type() in KEPT_WHOLE:
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        return b"\n".join(block.as_bytes() for block in blocks if isinstance(block, Message))
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _file(part: Message, number: int, limits: MailLimits, notes: list[str]) -> Attachment | DroppedAttachment | None:
    content_type = part.get_content_type()
    name = _filename(part, number, content_type)
    try:
        content = _content(part)
    except HEADER_ERRORS as exc:
        notes.append(f"part {number} unreadable: {type(exc).__name__}")
        return DroppedAttachment(name, content_type, 0, "unreadable")
    if not content:
        return None  # an empty part (a stray boundary) is nothing to keep
    if len(content) > limits.max_attachment_bytes:
        return DroppedAttachment(name, content_type, len(content), "over the per-file limit")
    content_id = one_line(raw_header(part, "Content-ID") or "").strip("<>") or None
    try:
        disposition = part.get_content_disposition() or "inline"
    except HEADER_ERRORS:
        disposition = "attachment"
    inline = disposition == "inline" and content_id is not None
    return Attachment(f"a{number}", name, content_type, content, content_id=content_id, inline=inline)


def _filename(part: Message, number: int, content_type: str) -> str:
    """The sender's file name (RFC 2231 and 2047 decoded), without any path, on one line; else a made-up one."""
    try:
        given = part.get_filename()
    except HEADER_ERRORS:
        given = None
    name = one_line(str(given or "")).replace("\\", "/").rsplit("/", 1)[-1].strip(". ")
    if not name:
        name = f"attachment-{number}{mimetypes.guess_extension(content_type) or '.bin'}"
    return name[:FILENAME_MAX]
