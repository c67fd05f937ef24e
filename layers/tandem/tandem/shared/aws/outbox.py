"""Unit of work that commits state changes and their events in ONE TransactWriteItems.

Writes are collected, nothing touches the table until ``commit``; leaving the ``with``
block without committing discards them (cosmicpython's rollback-by-default). Every
recorded event becomes an outbox item in the same transaction, which the relay publishes
from the table's stream: state and events can never disagree.

An outbox item stays in the table until it is published (the relay or the sweeper deletes
it then), so an EventBridge outage longer than the stream's retries or its 24 h retention
loses nothing: while it exists it sits in the sparse index ``GSI1`` under
``GSI1PK = "OUTBOX#PENDING"``, sorted by ``occurred_at``, where the sweeper finds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from botocore.exceptions import ClientError

from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS, from_attributes, to_attributes
from tandem.shared.clock import iso, utcnow
from tandem.shared.envelope import Envelope
from tandem.shared.errors import (
    TRANSIENT_CANCELLATION_REASONS,
    ConditionFailed,
    PersistenceError,
    TransactionConflict,
    is_transient_store_error,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_dynamodb import DynamoDBClient

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit per TransactWriteItems
OUTBOX_INDEX = "GSI1"  # every context table has it; outbox items are there only while pending
OUTBOX_PENDING = "OUTBOX#PENDING"  # GSI1PK of every unpublished outbox item


@dataclass
class _Write:
    label: str
    operation: dict[str, Any] = field(default_factory=dict)


def outbox_item(envelope: Envelope[Any]) -> dict[str, Any]:
    """The outbox row for ``envelope`` (shape documented in docs/event-backbone.md).

    No TTL: the item lives until it is published. ``GSI1SK`` is the fixed-width
    ``occurred_at``, so the sweeper can ask for "pending and older than the grace period".
    """
    occurred_at = iso(envelope.metadata.occurred_at)
    return {
        "PK": f"OUTBOX#{envelope.metadata.event_id}",
        "SK": "OUTBOX",
        "type": "outbox",
        "source": envelope.source,
        "detail_type": envelope.metadata.event_type,
        "detail": envelope.to_json(),
        "event_id": str(envelope.metadata.event_id),
        "occurred_at": occurred_at,
        "GSI1PK": OUTBOX_PENDING,
        "GSI1SK": occurred_at,
    }


def outbox_entry(item: dict[str, Any], bus_name: str) -> dict[str, Any]:
    """The ``PutEvents`` entry for an outbox item (plain values); ``KeyError`` names a missing field.

    ``Time`` is when the event occurred, not when it was published: a late publication (after
    an outage, by the sweeper) still carries its true time.
    """
    entry = {
        "Source": item["source"],
        "DetailType": item["detail_type"],
        "Detail": item["detail"],
        "EventBusName": bus_name,
    }
    occurred_at = _occurred_at(item)
    if occurred_at is not None:
        entry["Time"] = occurred_at
    return entry


def _occurred_at(item: dict[str, Any]) -> datetime | None:
    """``occurred_at`` of the item, or of its envelope for items written before it was stored."""
    try:
        text = item.get("occurred_at") or json.loads(item["detail"])["metadata"]["occurred_at"]
        return datetime.fromisoformat(str(text))
    except (ValueError, KeyError, TypeError):
        return None  # PutEvents then stamps the publication time; the detail still has the truth


def _expression(condition: str | None, names: dict[str, str] | None, values: dict[str, Any] | None) -> dict:
    parts: dict[str, Any] = {}
    if condition:
        parts["ConditionExpression"] = condition
    if names:
        parts["ExpressionAttributeNames"] = names
    if values:
        parts["ExpressionAttributeValues"] = to_attributes(values)
    return parts


class OutboxUnitOfWork:
    """Collects puts, updates, condition checks and outbox items for one table."""

    def __init__(self, table_name: str, client: DynamoDBClient, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.table_name = table_name
        self.client = client
        self.clock = clock
        self._writes: list[_Write] = []

    def __enter__(self) -> Self:
        self._writes = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    @property
    def pending(self) -> int:
        return len(self._writes)

    def _add(self, label: str, kind: str, body: dict[str, Any], return_old: bool) -> None:
        if len(self._writes) >= MAX_TRANSACTION_ITEMS:
            raise ValueError(f"A transaction holds at most {MAX_TRANSACTION_ITEMS} items")
        body = {"TableName": self.table_name, **body}
        if return_old and "ConditionExpression" in body:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._writes.append(_Write(label, {kind: body}))

    def put(
        self,
        item: dict[str, Any],
        *,
        label: str,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        return_old: bool = False,
    ) -> None:
        body = {"Item": to_attributes(item), **_expression(condition, names, values)}
        self._add(label, "Put", body, return_old)

    def update(
        self,
        key: dict[str, Any],
        update: str,
        *,
        label: str,
        condition: str | None = None,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        return_old: bool = False,
    ) -> None:
        body = {"Key": to_attributes(key), "UpdateExpression": update, **_expression(condition, names, values)}
        self._add(label, "Update", body, return_old)

    def condition_check(
        self,
        key: dict[str, Any],
        condition: str,
        *,
        label: str,
        names: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        return_old: bool = False,
    ) -> None:
        body = {"Key": to_attributes(key), **_expression(condition, names, values)}
        self._add(label, "ConditionCheck", body, return_old)

    def record(self, envelope: Envelope[Any]) -> None:
        """Add the outbox item for ``envelope``; its key must be new (no duplicate event ids)."""
        self.put(
            outbox_item(envelope), label=f"outbox:{envelope.metadata.event_type}", condition="attribute_not_exists(PK)"
        )

    def commit(self) -> None:
        """Write everything atomically, or raise one of our errors and write nothing."""
        if not self._writes:
            return
        writes, self._writes = self._writes, []
        try:
            self.client.transact_write_items(TransactItems=[w.operation for w in writes])
        except TRANSIENT_TRANSPORT_ERRORS as exc:  # a timeout or a dropped connection: retry later
            raise PersistenceError(f"TransactWriteItems failed: {type(exc).__name__}") from exc
        except ClientError as exc:
            raise _translate(exc, writes) from exc

    def rollback(self) -> None:
        self._writes = []


def _translate(exc: ClientError, writes: list[_Write]) -> Exception:
    """Name the item whose condition failed, using the cancellation reasons' order.

    Only throttling and service faults become ``PersistenceError`` (503, retry later); any other
    error is a bug or a misconfiguration and is re-raised as the ``ClientError`` it is (a logged 500).
    """
    error = exc.response.get("Error", {})
    if error.get("Code") != "TransactionCanceledException":
        if is_transient_store_error(error.get("Code")):
            return PersistenceError(f"TransactWriteItems failed: {error.get('Code')}")
        return ClientError(exc.response, exc.operation_name)
    reasons = exc.response.get("CancellationReasons") or []
    for write, reason in zip(writes, reasons, strict=False):
        if reason.get("Code") == "ConditionalCheckFailed":
            return ConditionFailed(write.label, from_attributes(reason.get("Item")))
    if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
        return TransactionConflict()
    codes = [reason.get("Code") for reason in reasons]
    if any(code in TRANSIENT_CANCELLATION_REASONS for code in codes):
        return PersistenceError(f"Transaction cancelled: {codes}")
    return ClientError(exc.response, exc.operation_name)
