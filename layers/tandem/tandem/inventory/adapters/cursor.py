"""Opaque page tokens: the LastEvaluatedKey of a GSI1 query, base64 JSON, accepted only as issued."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from tandem.inventory.domain.errors import InvalidPageToken
from tandem.shared.aws.dynamo import from_attributes, to_attributes

_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    plain = from_attributes(key) or {}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(token: str, *, partition: str) -> dict[str, Any]:
    """The key, if ``token`` is one we issued for a query of GSI1 partition ``partition``; else 422."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        plain = None
    if not (isinstance(plain, dict) and set(plain) == _KEYS and all(isinstance(v, str) and v for v in plain.values())
            and plain["GSI1PK"] == partition):
        raise InvalidPageToken(details=[{"field": "next_token", "message": "is not valid"}])
    return to_attributes(plain)
