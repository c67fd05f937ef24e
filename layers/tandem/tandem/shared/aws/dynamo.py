"""Plain dict <-> DynamoDB attribute-value conversion for the low-level client.

``TypeSerializer`` refuses floats, which is exactly what we want for money.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from tandem.shared.errors import PersistenceError, is_transient_store_error

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in item.items() if value is not None}


def from_attributes(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


# Connect/read timeouts, dropped connections: the request may succeed later. Not all of BotoCoreError:
# ParamValidationError, NoCredentialsError, NoRegionError are bugs or misconfiguration (a 500).
TRANSIENT_TRANSPORT_ERRORS = (ConnectionError, HTTPClientError)
BATCH_GET_ATTEMPTS = 4


@contextmanager
def storage_errors(operation: str) -> Iterator[None]:
    """Throttling, service faults and network trouble -> ``PersistenceError`` (503, retry later);
    every other error (ValidationException, AccessDeniedException, ...) propagates unchanged (a logged 500)."""
    try:
        yield
    except TRANSIENT_TRANSPORT_ERRORS as exc:
        raise PersistenceError(f"{operation} failed: {type(exc).__name__}") from exc
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if not is_transient_store_error(code):
            raise
        raise PersistenceError(f"{operation} failed: {code}") from exc


def batch_get(
    client: Any,
    table_name: str,
    keys: list[dict[str, Any]],
    *,
    consistent: bool = True,
    sleep: Callable[[float], Any] = time.sleep,
) -> list[dict[str, Any]]:
    """The items at ``keys`` (plain values; missing keys are simply absent) in one BatchGetItem
    (<= 100 keys). Keys DynamoDB leaves unprocessed (throttling) are asked again with jittered backoff;
    still unprocessed after ``BATCH_GET_ATTEMPTS`` -> ``PersistenceError``."""
    request: Any = {table_name: {"Keys": [to_attributes(k) for k in keys], "ConsistentRead": consistent}}
    found: list[dict[str, Any]] = []
    for attempt in range(BATCH_GET_ATTEMPTS):
        with storage_errors("BatchGetItem"):
            response = client.batch_get_item(RequestItems=request)
        found.extend(from_attributes(i) or {} for i in response.get("Responses", {}).get(table_name, []))
        request = response.get("UnprocessedKeys") or {}
        if not request:
            return found
        sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311 - backoff jitter
    raise PersistenceError("BatchGetItem left keys unprocessed")
