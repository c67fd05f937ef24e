"""Our own signed thread token: what lets a reply find its ticket without trusting anything the sender typed.

Every outbound message carries the token twice: in its Message-ID (``<t-<unique>-<token>@<our domain>>``),
which a mail client copies into In-Reply-To and References, and in a plus-addressed Reply-To
(``support+<token>@<domain>``), which survives clients that drop those headers. The token is the ticket id
and a truncated HMAC-SHA256 of it, both base32 in lower case: safe in a local part and in a Message-ID,
and unchanged by mail systems that lower-case addresses. 80 bits of MAC are far beyond guessing by mail.

Secrets rotate: the first of ``secrets`` signs, every one of them verifies, so messages sent before a
rotation keep threading while the old secret is still listed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from uuid import UUID

MAC_BYTES = 10  # 80 bits: 16 base32 characters
MIN_SECRET_BYTES = 16
_ID_CHARS = 26  # a UUID's 16 bytes in base32, padding dropped
_MAC_CHARS = 16
_PURPOSE = b"tandem.support.thread-token.v1:"  # a MAC made here means nothing anywhere else
TOKEN_PATTERN = re.compile(rf"(?<![a-z2-7])([a-z2-7]{{{_ID_CHARS}}})-([a-z2-7]{{{_MAC_CHARS}}})(?![a-z2-7])")
_UNIQUE_PATTERN = re.compile(r"^[a-z0-9]{1,40}$")


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def _mac(ticket_id: UUID, secret: bytes, purpose: bytes = _PURPOSE) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"a thread-token secret needs at least {MIN_SECRET_BYTES} bytes")
    return hmac.new(secret, purpose + ticket_id.bytes, hashlib.sha256).digest()[:MAC_BYTES]


def signed_id(ticket_id: UUID, secret: bytes, purpose: bytes) -> str:
    """``<ticket id>-<mac>`` for ``purpose`` (a distinct prefix per use: a token made for one means nothing
    to another), 43 characters of ``[a-z2-7-]``."""
    return f"{_b32(ticket_id.bytes)}-{_b32(_mac(ticket_id, secret, purpose))}"


def verified_id(token: str, secrets: Sequence[bytes], purpose: bytes) -> UUID | None:
    """The ticket id of ``token`` when it is exactly one ``signed_id`` for ``purpose`` under one of
    ``secrets`` (compared in constant time); None otherwise."""
    match = TOKEN_PATTERN.fullmatch(token)
    ticket_id = _decoded_id(match.group(1)) if match else None
    if match is None or ticket_id is None:
        return None
    given = match.group(2)
    return ticket_id if any(hmac.compare_digest(given, _b32(_mac(ticket_id, s, purpose))) for s in secrets) else None


def ticket_token(ticket_id: UUID, secret: bytes) -> str:
    """``<ticket id>-<mac>``, 43 characters of ``[a-z2-7-]``."""
    return signed_id(ticket_id, secret, _PURPOSE)


def message_id_for(ticket_id: UUID, our_domain: str, secret: bytes, unique: str) -> str:
    """A Message-ID of our own domain for one outbound message of the ticket (``unique``: lower-case
    letters and digits, e.g. the message's uuid hex, so no two messages share it)."""
    if not _UNIQUE_PATTERN.match(unique):
        raise ValueError("unique must be 1-40 lower-case letters or digits")
    return f"<t-{unique}-{ticket_token(ticket_id, secret)}@{our_domain.lower()}>"


def reply_to_for(ticket_id: UUID, support_address: str, secret: bytes) -> str:
    """The plus-address replies go to: ``support+<token>@domain`` (any ``+tag`` of the address replaced)."""
    local, at, domain = support_address.strip().rpartition("@")
    if not at or not local:
        raise ValueError("support_address must be an email address")
    return f"{local.split('+', 1)[0]}+{ticket_token(ticket_id, secret)}@{domain.lower()}"


def _decoded_id(id_part: str) -> UUID | None:
    try:
        raw = base64.b32decode(id_part.upper() + "======")
    except ValueError:
        return None
    if len(raw) != 16 or _b32(raw) != id_part:  # one spelling per id: no second token for the same ticket
        return None
    return UUID(bytes=raw)


def token_from(text: str, secrets: Sequence[bytes]) -> UUID | None:
    """The ticket id of the first token in ``text`` (a Message-ID, an address) that one of ``secrets``
    signed; None when there is none. MACs are compared in constant time."""
    for match in TOKEN_PATTERN.finditer(text.lower()):
        ticket_id = _decoded_id(match.group(1))
        if ticket_id is None:
            continue
        given = match.group(2)
        if any(hmac.compare_digest(given, _b32(_mac(ticket_id, secret))) for secret in secrets):
            return ticket_id
    return None


def tokens_in(values: Iterable[str], secrets: Sequence[bytes]) -> list[UUID]:
    """Ticket ids of the valid tokens in ``values``, in their order, each once."""
    found: list[UUID] = []
    for value in values:
        ticket_id = token_from(value, secrets)
        if ticket_id is not None and ticket_id not in found:
            found.append(ticket_id)
    return found
