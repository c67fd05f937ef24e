"""Plain dict <-> DynamoDB attribute-value conversion for the low-level client.

``TypeSerializer`` refuses floats, which is exactly what we want for money.
"""

from __future__ import annotations

from collections.abc import Iterator
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
