"""Reading the headers of real mail without ever raising: RFC 2047 encoded words are decoded by the stdlib
(``policy.default``), and a header it cannot make sense of is read as None or as its raw text instead.

The stdlib's header parser is lazy: a malformed header raises only when it is read, and with any of several
exception types (``IndexError`` from inside the address parser, among others), so every read goes through
``_read`` here and nothing else touches a header object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.errors import MessageError
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import TypeVar

from tandem.shared.text import one_line
from tandem.support.domain.rules import normalized_email

T = TypeVar("T")

# What the stdlib raises on hostile headers; caught and noted, never let out of parsing.
HEADER_ERRORS = (ValueError, IndexError, TypeError, AttributeError, LookupError, MessageError)

# The headers that say who sent a message and whether a machine did (RFC 3834, RFC 2369, Outlook's own).
CLASSIFYING_HEADERS = (
    "Auto-Submitted",
    "Precedence",
    "List-Id",
    "List-Unsubscribe",
    "X-Auto-Response-Suppress",
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Reply",
)

MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
ADDRESS = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.[^@\s<>()\[\]\\,;:\".]+$")
MAX_ADDRESS = 254  # RFC 5321's path limit


def _read(message: Message, name: str, reader: Callable[[object], T]) -> T | None:
    try:
        value = message.get(name)
        return None if value is None else reader(value)
    except HEADER_ERRORS:
        return None


def raw_header(message: Message, name: str) -> str | None:
    """The header's value as text (encoded words decoded), or its undecoded text when decoding fails."""
    text = _read(message, name, str)
    if text is not None:
        return text
    for key, value in message.raw_items() if hasattr(message, "raw_items") else message.items():
        if key.lower() == name.lower():
            return str(value) if isinstance(value, str) else None
    return None


def one_line_or_none(value: object) -> str | None:
    text = one_line(str(value)) if value is not None else ""
    return text or None


def message_ids(value: str | None) -> tuple[str, ...]:
    """The Message-IDs in a header (In-Reply-To may hold several, References holds the thread), each with
    its angle brackets, in order, without repeats. A bare id (a client that forgot the brackets) is bracketed."""
    if not value:
        return ()
    found = [f"<{m}>" for m in MESSAGE_ID.findall(value)]
    if not found and "@" in value and len(value.split()) == 1:
        found = [f"<{value.strip()}>"]
    return tuple(dict.fromkeys(found))


def usable_address(address: str) -> str | None:
    """``address`` normalised when we could send mail to it, else None (empty, a group, a display name only,
    an ``undisclosed-recipients:;``)."""
    normal = normalized_email(address)
    return normal if len(normal) <= MAX_ADDRESS and ADDRESS.match(normal) else None


def addresses(message: Message, name: str) -> tuple[tuple[str, str | None], ...]:
    """The usable (address, display name) pairs of an address header; unusable entries are skipped."""
    raw = raw_header(message, name)
    if not raw:
        return ()
    structured = _read(message, name, _structured_addresses)
    pairs = structured if structured else tuple((addr, name) for name, addr in getaddresses([raw]))
    found: dict[str, str | None] = {}
    for address, display in pairs:
        normal = usable_address(address)
        if normal and normal not in found:
            found[normal] = one_line_or_none(display)
    return tuple(found.items())


def _structured_addresses(header: object) -> tuple[tuple[str, str], ...]:
    """What ``policy.default`` parsed an address header into; empty for a header it did not parse so."""
    found = getattr(header, "addresses", ())
    return tuple((str(a.addr_spec), str(a.display_name)) for a in found)


def sender(message: Message) -> tuple[str, str | None] | None:
    """Who to answer: the one usable From address (``Sender`` when From names several, RFC 5322 3.6.2)."""
    from_ = addresses(message, "From")
    if len(from_) == 1:
        return from_[0]
    on_behalf = addresses(message, "Sender")
    if len(from_) > 1 and on_behalf:
        return on_behalf[0]
    return from_[0] if from_ else None


def sent_at(message: Message) -> datetime | None:
    raw = raw_header(message, "Date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except HEADER_ERRORS:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # RFC 5322's "-0000": no zone known, UTC it is


def return_path(message: Message) -> str | None:
    """The Return-Path's address; "" for the null reverse-path ``<>`` (bounces and auto-replies use it)."""
    raw = raw_header(message, "Return-Path")
    if raw is None:
        return None
    inside = raw.strip().strip("<>").strip()
    return normalized_email(inside) if inside else ""


def classifying(message: Message) -> dict[str, str]:
    """``CLASSIFYING_HEADERS`` present on the message, by lower-case name, each on one line."""
    found = {}
    for name in CLASSIFYING_HEADERS:
        value = raw_header(message, name)
        if value is not None:
            found[name.lower()] = one_line(value)
    return found
