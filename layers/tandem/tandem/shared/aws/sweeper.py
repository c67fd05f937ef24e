"""Outbox sweeper: publishes outbox items the relay has not published within a grace period.

The relay publishes from the stream within seconds. When EventBridge is down for longer than
the stream's retries, the event source mapping gives up (its on-failure record holds only
shard pointers) but the outbox item is still in its table, in the sparse index
``GSI1PK = "OUTBOX#PENDING"`` sorted by ``occurred_at``. On a schedule, the sweeper asks each
context table for pending items older than the grace period and publishes them with the
relay's own code (``OutboxPublisher``): same entries, same poison queue, same deletion.
A sweep racing the relay only publishes an event twice; consumers are idempotent.

A sweep reads page after page while the function has time left (``remaining_ms``, the Lambda
context's ``get_remaining_time_in_millis``), keeping ``SAFETY_MARGIN`` for the page in flight.
It stops early only when PutEvents itself fails transiently (the bus is down: every table
shares it). Poison that cannot be parked stays pending and the sweep goes on past it.
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
PAGE_SIZE = 100  # items a Query returns: 10+ PutEvents calls, 4 BatchWriteItem calls
SAFETY_MARGIN = timedelta(seconds=10)  # no new page once the function has less time left than this


@dataclass
class SweepReport:
    found: int = 0
    left: int = 0  # found but neither published nor parked (still pending): a later sweep
    tables: dict[str, int] = field(default_factory=dict)
    out_of_time: bool = False  # stopped reading pages to finish within the function's timeout


class OutboxSweeper:
    def __init__(
        self,
        tables: list[str],
        publisher: OutboxPublisher,
        dynamodb: Any,
        *,
        grace: timedelta = GRACE,
        clock: Callable[[], datetime] = utcnow,
        page_size: int = PAGE_SIZE,
        max_pages: int | None = None,
        safety_margin: timedelta = SAFETY_MARGIN,
    ) -> None:
        self.tables = tables
        self.publisher = publisher
        self.dynamodb = dynamodb
        self.grace = grace
        self.clock = clock
        self.page_size = page_size
        self.max_pages = max_pages  # a guard for tests; in Lambda, time decides
        self.safety_margin_ms = safety_margin.total_seconds() * 1000

    def sweep(self, remaining_ms: Callable[[], int] | None = None) -> SweepReport:
        """Publish every stale pending item of every table while time is left; stop while the bus is failing."""
        report = SweepReport()
        before = iso(self.clock() - self.grace)
        for table in self.tables:
            for page in self._stale(table, before, remaining_ms, report):
                report.found += len(page)
                report.tables[table] = report.tables.get(table, 0) + len(page)
                failed = self.publisher.publish(page, poison_blocks=False)
                report.left += sum(1 for pending in page if not pending.done)
                if failed is not None:
                    return report  # the bus is failing: the next sweep tries again
            if report.out_of_time:
                break
        return report

    def _stale(
        self, table: str, before: str, remaining_ms: Callable[[], int] | None, report: SweepReport
    ) -> Iterator[list[Pending]]:
        """Pages of pending outbox items that occurred before ``before``, oldest first, while time is left."""
        query: dict[str, Any] = {
            "TableName": table,
            "IndexName": OUTBOX_INDEX,
            "Limit": self.page_size,
            "KeyConditionExpression": "GSI1PK = :pending AND GSI1SK < :before",
            "ExpressionAttributeValues": {":pending": {"S": OUTBOX_PENDING}, ":before": {"S": before}},
        }
        pages = 0
        while self.max_pages is None or pages < self.max_pages:
            if remaining_ms is not None and remaining_ms() < self.safety_margin_ms:
                report.out_of_time = True
                return
            pages += 1
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
