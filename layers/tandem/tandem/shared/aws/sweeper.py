"""Outbox sweeper: publishes outbox items the relay has not published within a grace period.

The relay publishes from the stream within seconds. When EventBridge is down for longer than
the stream's retries, the event source mapping gives up (its on-failure record holds only
shard pointers) but the outbox item is still in its table, in the sparse index
``GSI1PK = "OUTBOX#PENDING"`` sorted by ``occurred_at``. On a schedule, the sweeper asks each
context table for pending items older than the grace period and publishes them with the
relay's own code (``OutboxPublisher``): same entries, same poison queue, same deletion.
A sweep racing the relay only publishes an event twice; consumers are idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tandem.shared.aws.dynamo import from_attributes
from tandem.shared.aws.outbox import OUTBOX_INDEX, OUTBOX_PENDING
from tandem.shared.aws.publisher import OutboxPublisher, Pending
from tandem.shared.clock import iso, utcnow

GRACE = timedelta(minutes=2)  # far longer than the relay needs while the bus is up
PAGE_SIZE = 100  # items a Query returns: 10 PutEvents calls, 4 BatchWriteItem calls
MAX_PAGES = 10  # per table and sweep, so one sweep fits in the function's timeout


@dataclass
class SweepReport:
    found: int = 0
    left: int = 0  # still pending after a transient failure (the bus is down): next sweep
    tables: dict[str, int] = field(default_factory=dict)


class OutboxSweeper:
    def __init__(self, tables: list[str], publisher: OutboxPublisher, dynamodb: Any, *,
                 grace: timedelta = GRACE, clock: Callable[[], datetime] = utcnow,
                 page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        self.tables = tables
        self.publisher = publisher
        self.dynamodb = dynamodb
        self.grace = grace
        self.clock = clock
        self.page_size = page_size
        self.max_pages = max_pages

    def sweep(self) -> SweepReport:
        """Publish every stale pending item of every table; stop early while the bus is failing."""
        report = SweepReport()
        before = iso(self.clock() - self.grace)
        for table in self.tables:
            for page in self._stale(table, before):
                report.found += len(page)
                report.tables[table] = report.tables.get(table, 0) + len(page)
                cutoff = self.publisher.publish(page)
                if cutoff is not None:
                    report.left += len(page) - cutoff
                    return report  # the bus is failing: the next sweep tries again
        return report

    def _stale(self, table: str, before: str) -> Iterator[list[Pending]]:
        """Pages of pending outbox items that occurred before ``before``, oldest first."""
        query: dict[str, Any] = {
            "TableName": table, "IndexName": OUTBOX_INDEX, "Limit": self.page_size,
            "KeyConditionExpression": "GSI1PK = :pending AND GSI1SK < :before",
            "ExpressionAttributeValues": {":pending": {"S": OUTBOX_PENDING}, ":before": {"S": before}},
        }
        for _ in range(self.max_pages):
            response = self.dynamodb.query(**query)
            items = [from_attributes(raw) or {} for raw in response.get("Items", [])]
            if items:
                yield [self._pending(table, item) for item in items]
            if "LastEvaluatedKey" not in response:
                return
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _pending(self, table: str, item: dict[str, Any]) -> Pending:
        key = {"PK": item["PK"], "SK": item["SK"]}
        return Pending(table, key, item, {"swept": True}).prepare(self.publisher.bus_name)
