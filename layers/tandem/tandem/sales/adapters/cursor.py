"""Opaque page tokens for order listings: the query's LastEvaluatedKey, checked on the way back in.

Only tokens we issued are accepted: the key attributes of one order in the very partition being
listed (a customer cannot page into someone else's orders, and a forged key cannot make DynamoDB
answer a ValidationException, which would be a 500).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from tandem.sales.domain.errors import InvalidPageToken
from tandem.shared.aws.dynamo import from_attributes, to_attributes
from tandem.shared.clock import iso


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    plain = from_attributes(key) or {}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(token: str, *, index: str, partition: str) -> dict[str, Any]:
    invalid = InvalidPageToken(details=[{"field": "next_token", "message": "is not valid"}])
    try:
        plain = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        raise invalid from None
    if not _issued(plain, index, partition):
        raise invalid
    return to_attributes(plain)


def _issued(plain: Any, index: str, partition: str) -> bool:
    if not (isinstance(plain, dict) and set(plain) == {"PK", "SK", f"{index}PK", f"{index}SK"}
            and all(isinstance(v, str) and v for v in plain.values())
            and plain[f"{index}PK"] == partition and plain["SK"] == "ORDER" and plain["PK"].startswith("ORDER#")):
        return False
    order_id = plain["PK"].removeprefix("ORDER#")
    placed, _, sort_id = plain[f"{index}SK"].rpartition("#")
    try:
        return str(UUID(order_id)) == order_id == sort_id and iso(datetime.fromisoformat(placed)) == placed
    except ValueError:
        return False
