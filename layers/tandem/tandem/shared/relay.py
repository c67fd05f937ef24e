"""Outbox relay: DynamoDB stream records of outbox items -> EventBridge ``PutEvents``.

Powertools' ``BatchProcessor`` handles one record at a time; PutEvents takes up to 10
entries, so the relay batches itself and returns the same partial-failure response shape
(``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}]}``).

* Transient failures (a whole-call exception, ``InternalFailure``, throttling): streams are
  ordered and Lambda restarts a shard from the LOWEST reported sequence number, so we stop
  publishing and report the first failed record and everything after it. Entries that had
  gone through after it are published again on retry: consumers are idempotent.
* Poison (PutEvents rejects it for good, or the item cannot become an entry): sent at once
  to the poison queue with the reason and NOT reported, so it cannot block the shard. If
  that send fails (or no queue is configured) the record counts as a transient failure.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

MAX_ENTRIES_PER_CALL = 10  # PutEvents limit
MAX_ENTRY_BYTES = 256 * 1024  # PutEvents limit per entry
PERMANENT_ERRORS = frozenset({"MalformedDetail", "InvalidArgument", "EntryTooLarge", "InvalidOutboxItem"})
log = logging.getLogger(__name__)


@dataclass
class _Item:
    position: int
    sequence_number: str
    raw: dict[str, Any]
    image: dict[str, Any] | None = None
    entry: dict[str, Any] | None = None
    error: tuple[str, str] | None = None  # permanent: goes to the poison queue


def _classify(position: int, raw: dict[str, Any], bus_name: str) -> _Item | None:
    """An item to publish or poison; None for records that are not outbox INSERTs."""
    record = DynamoDBRecord(raw)
    stream = record.dynamodb
    if record.event_name != DynamoDBRecordEventName.INSERT or stream is None:
        return None
    item = _Item(position, str(stream.sequence_number), raw)
    try:
        item.image = stream.new_image
    except (TypeError, ValueError, KeyError):
        item.error = ("InvalidOutboxItem", "NewImage cannot be read")
        return item
    if item.image.get("type") != "outbox":
        return None
    try:
        item.entry = {"Source": item.image["source"], "DetailType": item.image["detail_type"],
                      "Detail": item.image["detail"], "EventBusName": bus_name}
    except KeyError as missing:
        item.error = ("InvalidOutboxItem", f"outbox item has no {missing}")
    else:
        if sum(len(str(v).encode()) for v in item.entry.values()) > MAX_ENTRY_BYTES:
            item.error = ("EntryTooLarge", f"entry exceeds {MAX_ENTRY_BYTES} bytes")
    return item


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


class OutboxRelay:
    def __init__(self, bus_name: str, client: EventBridgeClient, *, poison_queue_url: str | None = None,
                 sqs_client: Any = None, logger: Any = None) -> None:
        self.bus_name = bus_name
        self.client = client
        self.poison_queue_url = poison_queue_url
        self.sqs = sqs_client
        self.log = logger or log  # the handler passes its Powertools Logger for structured lines

    def relay(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Publish in order; return the partial batch response for Lambda."""
        items = [i for i in (_classify(n, r, self.bus_name) for n, r in enumerate(records)) if i]
        cutoff = self._publish([i for i in items if i.error is None])
        for item in items:
            if item.error and (cutoff is None or item.position < cutoff) and not self._poison(item):
                cutoff = item.position
                break
        failed = [] if cutoff is None else records[cutoff:]
        return {"batchItemFailures": [{"itemIdentifier": r.get("dynamodb", {}).get("SequenceNumber")}
                                      for r in failed]}

    def _publish(self, items: list[_Item]) -> int | None:
        """Position of the first transient failure, else None; marks permanent rejections."""
        for start in range(0, len(items), MAX_ENTRIES_PER_CALL):
            chunk = items[start:start + MAX_ENTRIES_PER_CALL]
            try:
                response = self.client.put_events(Entries=[i.entry for i in chunk])  # type: ignore[misc]
            except Exception:
                self.log.exception("PutEvents failed for %d entries", len(chunk))
                return chunk[0].position
            if not response.get("FailedEntryCount"):
                continue
            results = response.get("Entries") or []
            for item, result in zip(chunk, results + [{}] * (len(chunk) - len(results)), strict=False):
                code = result.get("ErrorCode")
                if code in PERMANENT_ERRORS:
                    item.error = (code, str(result.get("ErrorMessage", "")))
                elif code or not result.get("EventId"):
                    self.log.warning("PutEvents failed for %s: %s", item.sequence_number, code)
                    return item.position
        return None

    def _poison(self, item: _Item) -> bool:
        """Park a record that can never be published; False when that was not possible."""
        code, message = item.error or ("InvalidOutboxItem", "")
        self.log.error("Poison outbox record %s: %s %s", item.sequence_number, code, message)
        if not (self.poison_queue_url and self.sqs):
            return False
        body = {"error": {"code": code, "message": message}, "outbox_item": item.image,
                "event_source_arn": item.raw.get("eventSourceARN"), "sequence_number": item.sequence_number}
        try:
            self.sqs.send_message(QueueUrl=self.poison_queue_url,
                                  MessageBody=json.dumps(body, default=_plain))
        except Exception:
            self.log.exception("Could not park poison record %s", item.sequence_number)
            return False
        return True


def relay_stream_batch(event: dict[str, Any], relay: OutboxRelay) -> dict[str, Any]:
    """Entry point for the relay handler: a DynamoDB stream batch in, partial failures out."""
    return relay.relay(list(event.get("Records") or []))
