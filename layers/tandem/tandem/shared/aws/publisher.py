"""Publishing outbox items: the one code path the relay (stream) and the sweeper (index) share.

For a list of pending outbox items, in order: ``PutEvents`` with at most 10 entries and
256 KB of entries a call; entries rejected for good are parked in the poison queue; then
every item that was published or parked is deleted from its table with ``BatchWriteItem``
(25 deletes a call, across tables; unprocessed deletes are retried twice). Deleting emits a
REMOVE stream record, which the relay's filter ignores.

Failing to delete is not an error: the item stays pending and the sweeper publishes it
again later. Consumers are idempotent by ``event_id``, so a duplicate costs nothing and a
loss is impossible.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tandem.shared.aws.dynamo import to_attributes
from tandem.shared.aws.outbox import outbox_entry

MAX_ENTRIES_PER_CALL = 10  # PutEvents limit
MAX_REQUEST_BYTES = 256 * 1024  # PutEvents limit on the total size of a call's entries
MAX_ENTRY_BYTES = MAX_REQUEST_BYTES  # so a larger entry can never be published
TIME_BYTES = 14  # what AWS counts for an entry's Time
MAX_MESSAGE_BYTES = 1024 * 1024  # SQS limit on a message body
MAX_DELETES_PER_CALL = 25  # BatchWriteItem limit
DELETE_RETRIES = 2  # more BatchWriteItem calls for UnprocessedItems
DELETE_BACKOFF = 0.05  # seconds, doubled on each retry
PERMANENT_ERRORS = frozenset({"MalformedDetail", "InvalidArgument", "EntryTooLarge", "InvalidOutboxItem"})
log = logging.getLogger(__name__)


@dataclass
class Pending:
    """One outbox item on its way to the bus; ``origin`` goes into its poison message."""

    table: str | None
    key: dict[str, Any] | None
    item: dict[str, Any] | None
    origin: dict[str, Any] = field(default_factory=dict)
    entry: dict[str, Any] | None = None
    error: tuple[str, str] | None = None  # permanent: goes to the poison queue
    done: bool = False  # published or parked: may leave the table

    def prepare(self, bus_name: str) -> Pending:
        """Build the entry, or record why this item can never become one."""
        if self.item is None:
            self.error = self.error or ("InvalidOutboxItem", "outbox item cannot be read")
            return self
        try:
            self.entry = outbox_entry(self.item, bus_name)
        except KeyError as missing:
            self.error = ("InvalidOutboxItem", f"outbox item has no {missing}")
        else:
            if entry_size(self.entry) > MAX_ENTRY_BYTES:
                self.error = ("EntryTooLarge", f"entry exceeds {MAX_ENTRY_BYTES} bytes")
        return self


def entry_size(entry: dict[str, Any]) -> int:
    """The size of a PutEvents entry as AWS computes it for the 256 KB limit (UTF-8 bytes)."""
    size = TIME_BYTES if entry.get("Time") else 0
    for name in ("Source", "DetailType", "Detail"):
        size += len(str(entry.get(name) or "").encode())
    return size + sum(len(str(resource).encode()) for resource in entry.get("Resources") or [])


def _calls(items: list[Pending]) -> list[list[Pending]]:
    """Consecutive chunks of at most 10 entries and 256 KB (each entry is at most 256 KB)."""
    chunks: list[list[Pending]] = []
    size = 0
    for item in items:
        item_size = entry_size(item.entry or {})
        if not chunks or len(chunks[-1]) == MAX_ENTRIES_PER_CALL or size + item_size > MAX_REQUEST_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += item_size
    return chunks


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


class OutboxPublisher:
    def __init__(
        self,
        bus_name: str,
        events: Any,
        *,
        dynamodb: Any = None,
        poison_queue_url: str | None = None,
        sqs: Any = None,
        logger: Any = None,
    ) -> None:
        self.bus_name = bus_name
        self.events = events
        self.dynamodb = dynamodb
        self.poison_queue_url = poison_queue_url
        self.sqs = sqs
        self.log = logger or log

    def publish(self, items: list[Pending], *, poison_blocks: bool = True) -> int | None:
        """Publish, park poison, delete what is done (``done``); where PutEvents failed transiently.

        Returns the index of the first item PutEvents failed transiently (the bus is failing:
        nothing after it was sent), else None. Poison before it is parked; with ``poison_blocks``
        (the relay, whose stream is retried in order) parking stops at the first that cannot be
        parked, otherwise (the sweeper) that item only stays pending. Items not ``done`` stay pending.
        """
        failed = self._put([i for i in items if i.error is None])
        cutoff = items.index(failed) if failed is not None else len(items)
        for item in items[:cutoff]:
            if item.error and not self._park(item) and poison_blocks:
                break
        self._forget([i for i in items if i.done])
        return None if failed is None else cutoff

    def _put(self, items: list[Pending]) -> Pending | None:
        """The first item that failed transiently (nothing after it was sent), else None."""
        for chunk in _calls(items):
            try:
                response = self.events.put_events(Entries=[i.entry for i in chunk])
            except Exception:
                self.log.exception("PutEvents failed for %d entries", len(chunk))
                return chunk[0]
            failed = self._results(chunk, response.get("Entries") or [])
            if failed is not None:
                return failed
        return None

    def _results(self, chunk: list[Pending], results: list[dict[str, Any]]) -> Pending | None:
        """Mark what was published or rejected for good; the first transient failure, else None."""
        failed = None
        for item, result in zip(chunk, results + [{}] * (len(chunk) - len(results)), strict=False):
            code = result.get("ErrorCode")
            if code in PERMANENT_ERRORS:
                item.error = (code, str(result.get("ErrorMessage", "")))
            elif code or not result.get("EventId"):
                self.log.warning("PutEvents failed for %s: %s", item.key, code)
                failed = failed or item
            else:
                item.done = True  # published, even if an earlier entry of its call failed
        return failed

    def _park(self, item: Pending) -> bool:
        """Send an item that can never be published to the poison queue; False when that failed."""
        code, message = item.error or ("InvalidOutboxItem", "")
        self.log.error("Poison outbox item %s in %s: %s %s", item.key, item.table, code, message)
        if not (self.poison_queue_url and self.sqs):
            return False
        try:
            self.sqs.send_message(QueueUrl=self.poison_queue_url, MessageBody=_poison_message(item, code, message))
        except Exception:
            self.log.exception("Could not park poison outbox item %s", item.key)
            return False
        item.done = True
        return True

    def _forget(self, items: list[Pending]) -> None:
        """Delete done items from their tables, 25 a call; what is left stays pending for the sweeper."""
        deletes = [(i.table, {"DeleteRequest": {"Key": to_attributes(i.key)}}) for i in items if i.table and i.key]
        if not (deletes and self.dynamodb):
            return
        for start in range(0, len(deletes), MAX_DELETES_PER_CALL):
            requests: dict[str, list[dict[str, Any]]] = {}
            for table, request in deletes[start : start + MAX_DELETES_PER_CALL]:
                requests.setdefault(table, []).append(request)
            self._delete(requests)

    def _delete(self, requests: dict[str, list[dict[str, Any]]]) -> None:
        """One BatchWriteItem call, and up to two more for what it left unprocessed."""
        for attempt in range(DELETE_RETRIES + 1):
            if attempt:
                time.sleep(DELETE_BACKOFF * 2 ** (attempt - 1))
            count = sum(len(r) for r in requests.values())
            try:
                requests = self.dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            except Exception:
                self.log.exception("Could not delete %d published outbox items", count)
                return
            if not requests:
                return
        self.log.warning(
            "%d published outbox items left pending (the sweeper retries): %s",
            sum(len(r) for r in requests.values()),
            requests,
        )


def _poison_message(item: Pending, code: str, message: str) -> str:
    """The poison queue message: the whole item, or when that exceeds SQS's limit, what identifies it."""
    error = {"code": code, "message": message}
    body = _json({"error": error, "outbox_item": item.item, "table": item.table, **item.origin})
    size = len(body.encode())
    if size <= MAX_MESSAGE_BYTES:
        return body
    event_id = (item.item or {}).get("event_id") or (item.item or {}).get("PK")
    return _json(
        {
            "error": error,
            "table": item.table,
            "key": item.key,
            "event_id": event_id,
            "size": size,
            "trimmed": True,
            **item.origin,
        }
    )


def _json(body: dict[str, Any]) -> str:
    """Compact JSON keeping non-ASCII text as UTF-8, minus the two characters SQS refuses raw."""
    text = json.dumps(body, default=_plain, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")
