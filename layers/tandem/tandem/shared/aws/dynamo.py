"""Plain dict <-> DynamoDB attribute-value conversion for the low-level client.

``TypeSerializer`` refuses floats, which is exactly what we want for money.
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in item.items() if value is not None}


def from_attributes(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {key: _deserializer.deserialize(value) for key, value in item.items()}
