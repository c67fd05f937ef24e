"""The payment provider's webhook signature: pure (no environment; the secret is an argument).

Header ``Tandem-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`` where each ``v1`` is
HMAC-SHA256 over ``"<t>.<raw body>"`` with a webhook secret. Several ``v1`` values are accepted
(the provider signs with the old and the new secret while a secret is rotated), and several secrets
(Tandem accepts the new and the old one while it is rotated): one ``v1`` matching one secret is enough.
A timestamp more than ``tolerance`` seconds from now, in either direction, is refused (replays of old
deliveries).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

DEFAULT_TOLERANCE_SECONDS = 300
MAX_HEADER_LENGTH = 2048
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """Missing, malformed, wrong or stale signature; the message says which (for logs only)."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex ``v1`` value the provider sends for ``body`` at ``timestamp``."""
    payload = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    """A complete ``Tandem-Signature`` header value (tests, sample events, the local runtime)."""
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def _parse(value: str) -> tuple[int, list[str]]:
    if not value or len(value) > MAX_HEADER_LENGTH:
        raise SignatureError("missing or oversized signature header")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, sep, item = part.strip().partition("=")
        if not sep:
            raise SignatureError("malformed signature header")
        if key == "t":
            # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() then refuses.
            if timestamp is not None or not _TIMESTAMP.fullmatch(item):
                raise SignatureError("malformed timestamp")
            timestamp = int(item)
        elif key == "v1":
            signatures.append(item)
    if timestamp is None or not signatures:
        raise SignatureError("signature header lacks t or v1")
    return timestamp, signatures


def verify(
    header_value: str | None,
    body: bytes,
    *,
    secrets: str | Sequence[str],
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Return the signed timestamp, or raise ``SignatureError``. ``secrets``: the one accepted secret, or
    several (during a rotation); empty ones are ignored. Constant-time comparison."""
    accepted = [s for s in ((secrets,) if isinstance(secrets, str) else secrets) if s]
    if not accepted:
        raise SignatureError("no webhook secret configured")
    timestamp, signatures = _parse(header_value or "")
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    candidates = [c.strip().lower().encode("ascii", "replace") for c in signatures]
    # Compare every secret with every candidate (no early exit), so timing does not reveal which one matched.
    matched = False
    for secret in accepted:
        expected = sign(secret, timestamp, body).encode("ascii")
        for candidate in candidates:
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("no v1 signature matches")
    return timestamp
