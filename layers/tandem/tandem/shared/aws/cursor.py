"""Opaque page tokens: a query's ``LastEvaluatedKey`` as base64 JSON, accepted back only as issued.

A client could send any key; DynamoDB answers a forged one with a ValidationException (a 500 for us)
or, worse, pages into a partition the caller may not list. So each listing passes ``issued``, a
predicate that recognises exactly the keys its own query returns (the attributes, the partition, the
shape of the sort key), and anything else is ``InvalidPageToken`` (422).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from tandem.shared.aws.dynamo import from_attributes, to_attributes
from tandem.shared.clock import iso
from tandem.shared.errors import InvalidPageToken


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """The token for a ``LastEvaluatedKey`` (``None`` when there is no next page)."""
    if not key:
        return None
    plain = from_attributes(key) or {}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(token: str, issued: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The ``ExclusiveStartKey`` of ``token`` if ``issued`` recognises it, else ``InvalidPageToken``."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: a forged token of nested JSON
        raise InvalidPageToken() from None
    if not (isinstance(plain, dict) and all(isinstance(v, str) and v for v in plain.values()) and issued(plain)):
        raise InvalidPageToken()
    return to_attributes(plain)


def is_time_and_id(sort_key: str, expected_id: str | None = None) -> bool:
    """Whether ``sort_key`` is ``<ISO time as we write it>#<uuid>`` (and that uuid is ``expected_id``)."""
    moment, _, item_id = sort_key.rpartition("#")
    try:
        return (
            iso(datetime.fromisoformat(moment)) == moment
            and str(UUID(item_id)) == item_id
            and expected_id in (None, item_id)
        )
    except ValueError:
        return False


def newest_first_in(index: str, partition: str, *, sort_key: str, id_prefix: str) -> Callable[[dict[str, Any]], bool]:
    """``issued`` for a newest-first listing of one ``index`` partition whose items are keyed
    ``PK=<id_prefix><id>, SK=<sort_key>`` and sorted by ``<index>SK=<time>#<id>``: exactly the four key
    attributes of one such item in that very partition (so nobody pages into another one)."""
    attributes = {"PK", "SK", f"{index}PK", f"{index}SK"}

    def issued(plain: dict[str, Any]) -> bool:
        item_id = plain.get("PK", "").removeprefix(id_prefix)
        return (
            set(plain) == attributes
            and plain[f"{index}PK"] == partition
            and plain["SK"] == sort_key
            and plain["PK"].startswith(id_prefix)
            and is_time_and_id(plain[f"{index}SK"], item_id)
        )

    return issued
