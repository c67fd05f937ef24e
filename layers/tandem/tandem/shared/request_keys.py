"""Idempotency-Key for POST requests that create something (Stripe-style), generic for any context.

The key is scoped to the caller (the token's ``sub``) and honoured for ``WINDOW``: the same key with
the same body answers the first response again and writes nothing; the same key with another body
is refused (422 ``idempotency_key_reused``). The key's record is written in the SAME transaction as
what the request creates (condition: absent or expired, ``ALL_OLD`` on failure), so two requests
racing with one key cannot both create; a request that fails validation never uses its key up.

Item: ``PK=IDEMKEY#<sha256(sub \\n key)>, SK=IDEMKEY`` with ``fingerprint``, ``response`` (JSON) and
``expires_at`` (epoch seconds; the table's TTL attribute). Used by sales (orders), billing (credit notes)
and inventory (stock receipts, adjustments and counts, through ``answer_once``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from tandem.shared.errors import ConditionFailed, ValidationFailed

T = TypeVar("T")

KEY_MAX = 255
WINDOW = timedelta(hours=24)
HEADER = "idempotency-key"
HEADER_NAME = "Idempotency-Key"
KEY_PATTERN = r"^[\x20-\x7e]+$"  # printable ASCII
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]{1,255}")


class InvalidIdempotencyKey(ValidationFailed):
    code = "invalid_idempotency_key"
    message = "Idempotency-Key must be 1-255 printable ASCII characters"


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request body"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What a request with an Idempotency-Key answered, kept so a retry gets the same answer."""

    caller: str
    key: str
    fingerprint: str
    response: dict[str, Any]
    expires_at: datetime

    def live(self, now: datetime) -> bool:
        return self.expires_at > now

    def replay(self, fingerprint: str) -> dict[str, Any]:
        """The first response, or ``IdempotencyKeyReused`` when this request's body differs."""
        if fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                details=[{"field": "Idempotency-Key", "message": "was used with a different request body"}]
            )
        return self.response


def header(headers: dict[str, Any] | None) -> str | None:
    """The Idempotency-Key header (any case), validated; None when absent."""
    return checked(next((v for k, v in (headers or {}).items() if k.lower() == HEADER), None))


def checked(value: Any) -> str | None:
    """``value`` if it is a valid key (1-255 printable ASCII), None for None; else ``InvalidIdempotencyKey``."""
    if value is None:
        return None
    if not isinstance(value, str) or not _PRINTABLE_ASCII.fullmatch(value):
        raise InvalidIdempotencyKey(
            details=[{"field": "Idempotency-Key", "message": f"must be 1-{KEY_MAX} printable ASCII characters"}]
        )
    return value


def fingerprint(request: Any) -> str:
    """SHA-256 of the canonical JSON of what identifies the request (path ids and body)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record_key(caller: str, key: str) -> dict[str, str]:
    """Hashed: a 255-character key of any printable characters makes a short, safe partition key."""
    digest = hashlib.sha256(f"{caller}\n{key}".encode()).hexdigest()
    return {"PK": f"IDEMKEY#{digest}", "SK": "IDEMKEY"}


def record_item(record: KeyRecord) -> dict[str, Any]:
    # The caller's sub and key are not stored in the clear: the hash in the key is enough to find it.
    return {
        **record_key(record.caller, record.key),
        "type": "idempotency_key",
        "fingerprint": record.fingerprint,
        "response": json.dumps(record.response),
        "expires_at": int(record.expires_at.timestamp()),
    }


def record_from_item(item: dict[str, Any], caller: str, key: str) -> KeyRecord:
    return KeyRecord(
        caller=caller,
        key=key,
        fingerprint=str(item["fingerprint"]),
        response=json.loads(item["response"]),
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
    )


def claim_condition(now: datetime) -> tuple[str, dict[str, Any]]:
    """Condition (and values) of the record's put: free, or expired (TTL deletes lazily)."""
    return "attribute_not_exists(PK) OR expires_at < :now", {":now": int(now.timestamp())}


@dataclass(frozen=True, slots=True)
class Reply(Generic[T]):
    """How a request that creates a ``T`` is answered (``render``), with its Idempotency-Key, if it sent one:
    ``caller`` (the token's ``sub``), ``key`` (checked) and ``fingerprint`` (of its path ids and body)."""

    render: Callable[[T], dict[str, Any]]
    fingerprint: str = ""
    caller: str | None = None
    key: str | None = None


# The Idempotency-Key record of a created ``T``, for the use case to write in the transaction that creates it.
Claim = Callable[[T], KeyRecord]


def answer_once(
    reply: Reply[T],
    create: Callable[[Claim[T] | None], T],
    *,
    now: datetime,
    known: Callable[[str, str], KeyRecord | None],
    label: str = "idempotency",
) -> dict[str, Any]:
    """What ``create`` made, as ``reply`` renders it. With an Idempotency-Key: the first answer again for the
    same request (``create`` is not called), ``IdempotencyKeyReused`` for another request. ``create`` writes
    the key's record (``claim``) in its own transaction; when that write finds a live record (a concurrent
    retry won) it raises ``ConditionFailed(label)`` with the record as ``old_item``, answered as the winner
    answered. ``known(caller, key)`` reads a record; ``now`` is when the request arrived."""
    caller, key = reply.caller, reply.key
    if key is None or not caller:
        return reply.render(create(None))
    record = known(caller, key)
    if record is not None and record.live(now):
        return record.replay(reply.fingerprint)

    def claim(created: T) -> KeyRecord:
        return KeyRecord(caller, key, reply.fingerprint, reply.render(created), now + WINDOW)

    try:
        return reply.render(create(claim))
    except ConditionFailed as failed:
        if failed.label != label or not failed.old_item:
            raise
        return record_from_item(failed.old_item, caller, key).replay(reply.fingerprint)
