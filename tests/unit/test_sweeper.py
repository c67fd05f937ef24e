"""The sweeper publishes outbox items still pending after the grace period, with the relay's code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tandem.shared.aws.dynamo import to_attributes
from tandem.shared.aws.publisher import OutboxPublisher
from tandem.shared.aws.sweeper import OutboxSweeper
from tandem.shared.clock import iso

from .test_relay import FakeDynamoDB, FakeEventBridge, FakeSqs

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _item(n: int, age: timedelta, *, detail: str | None = None) -> dict:
    occurred_at = iso(NOW - age)
    return {
        "PK": f"OUTBOX#{n}",
        "SK": "OUTBOX",
        "type": "outbox",
        "source": "tandem.crm",
        "detail_type": "LeadCaptured",
        "detail": detail or json.dumps({"metadata": {"n": n}, "data": {}}),
        "occurred_at": occurred_at,
        "GSI1PK": "OUTBOX#PENDING",
        "GSI1SK": occurred_at,
    }


class FakeOutboxTables(FakeDynamoDB):
    """Answers the sweeper's index Query like DynamoDB: pending, older than ``:before``, paged by Limit."""

    def __init__(self, tables: dict[str, list[dict]]) -> None:
        super().__init__()
        self.tables = tables
        self.queries: list[dict] = []

    def query(self, **kwargs) -> dict:
        self.queries.append(kwargs)
        values = kwargs["ExpressionAttributeValues"]
        assert kwargs["IndexName"] == "GSI1" and values[":pending"] == {"S": "OUTBOX#PENDING"}
        stale = sorted(
            (i for i in self.tables[kwargs["TableName"]] if i["GSI1SK"] < values[":before"]["S"]),
            key=lambda i: i["GSI1SK"],
        )
        start = int(kwargs.get("ExclusiveStartKey", {}).get("n", 0))
        page = stale[start : start + kwargs["Limit"]]
        more = {"LastEvaluatedKey": {"n": start + len(page)}} if start + len(page) < len(stale) else {}
        return {"Items": [to_attributes(i) for i in page], **more}


def _sweeper(
    tables: FakeOutboxTables, bus: FakeEventBridge, sqs: FakeSqs | None = None, page_size: int = 100
) -> OutboxSweeper:
    publisher = OutboxPublisher(
        "bus", bus, dynamodb=tables, poison_queue_url="https://sqs/poison", sqs=sqs or FakeSqs()
    )
    return OutboxSweeper(list(tables.tables), publisher, tables, clock=lambda: NOW, page_size=page_size)


def test_only_items_pending_longer_than_the_grace_period_are_published_and_cleared():
    tables = FakeOutboxTables(
        {"crm": [_item(1, timedelta(minutes=10)), _item(2, timedelta(seconds=30)), _item(3, timedelta(minutes=3))]}
    )
    bus = FakeEventBridge()

    report = _sweeper(tables, bus).sweep()

    assert report.found == 2 and report.left == 0
    assert [json.loads(e["Detail"])["metadata"]["n"] for e in bus.calls[0]] == [1, 3]  # oldest first
    assert tables.deleted() == [("crm", "OUTBOX#1"), ("crm", "OUTBOX#3")]
    assert tables.queries[0]["ExpressionAttributeValues"][":before"] == {"S": iso(NOW - timedelta(minutes=2))}


def test_swept_entries_carry_the_time_the_event_occurred():
    tables = FakeOutboxTables({"crm": [_item(1, timedelta(hours=30))]})
    bus = FakeEventBridge()
    _sweeper(tables, bus).sweep()
    assert bus.calls[0][0]["Time"] == NOW - timedelta(hours=30)


def test_every_table_is_swept_in_few_round_trips():
    tables = FakeOutboxTables(
        {"crm": [_item(n, timedelta(hours=1)) for n in range(23)], "sales": [], "hr": [_item(99, timedelta(hours=1))]}
    )
    bus = FakeEventBridge()

    report = _sweeper(tables, bus).sweep()

    assert report.tables == {"crm": 23, "hr": 1}
    # crm: 1 Query + 3 PutEvents + 1 BatchWriteItem; sales: 1 Query; hr: 1 Query + 1 + 1
    assert (len(tables.queries), len(bus.calls), len(tables.batches)) == (3, 4, 2)


def test_pages_are_followed():
    tables = FakeOutboxTables({"crm": [_item(n, timedelta(hours=1, seconds=n)) for n in range(5)]})
    report = _sweeper(tables, FakeEventBridge(), page_size=2).sweep()
    assert report.found == 5 and len(tables.queries) == 3 and len(tables.deleted()) == 5


def test_while_the_bus_is_failing_items_stay_pending_and_the_sweep_stops():
    tables = FakeOutboxTables(
        {"crm": [_item(n, timedelta(hours=1)) for n in range(3)], "hr": [_item(9, timedelta(hours=1))]}
    )
    report = _sweeper(tables, FakeEventBridge(fail_calls={1})).sweep()
    assert report.left == 3 and tables.deleted() == [] and len(tables.queries) == 1


def test_poison_goes_to_the_poison_queue_and_leaves_the_outbox():
    tables = FakeOutboxTables({"crm": [_item(1, timedelta(hours=1), detail="{not json"), _item(2, timedelta(hours=1))]})
    sqs = FakeSqs()
    _sweeper(tables, FakeEventBridge(reject={-1: "MalformedDetail"}), sqs).sweep()
    [parked] = sqs.messages
    assert parked["error"]["code"] == "MalformedDetail" and parked["table"] == "crm"
    assert parked["outbox_item"]["PK"] == "OUTBOX#1"
    assert tables.deleted() == [("crm", "OUTBOX#1"), ("crm", "OUTBOX#2")]


def test_poison_that_cannot_be_parked_stays_pending_and_the_sweep_goes_on():
    tables = FakeOutboxTables(
        {
            "crm": [
                _item(1, timedelta(hours=1, seconds=2), detail="{not json"),
                _item(2, timedelta(hours=1, seconds=1)),
                _item(3, timedelta(hours=1)),
            ],
            "hr": [_item(9, timedelta(hours=1))],
        }
    )
    bus = FakeEventBridge(reject={-1: "MalformedDetail"})
    report = _sweeper(tables, bus, FakeSqs(fail=True), page_size=1).sweep()
    assert report.found == 4 and report.left == 1 and report.tables == {"crm": 3, "hr": 1}
    assert tables.deleted() == [("crm", "OUTBOX#2"), ("crm", "OUTBOX#3"), ("hr", "OUTBOX#9")]


def test_poison_without_a_queue_does_not_stop_the_sweep():
    tables = FakeOutboxTables({"crm": [_item(1, timedelta(hours=2), detail="{not json"), _item(2, timedelta(hours=1))]})
    publisher = OutboxPublisher("bus", FakeEventBridge(reject={-1: "MalformedDetail"}), dynamodb=tables)
    report = OutboxSweeper(["crm"], publisher, tables, clock=lambda: NOW, page_size=1).sweep()
    assert report.left == 1 and tables.deleted() == [("crm", "OUTBOX#2")]


def test_left_counts_only_items_not_published():
    tables = FakeOutboxTables(
        {"crm": [_item(n, timedelta(hours=1, seconds=-n)) for n in range(5)], "hr": [_item(9, timedelta(hours=1))]}
    )
    report = _sweeper(tables, FakeEventBridge(reject={3: "InternalFailure"})).sweep()
    assert report.left == 1 and len(tables.queries) == 1  # the bus is failing: the sweep stops
    assert tables.deleted() == [("crm", f"OUTBOX#{n}") for n in (0, 1, 2, 4)]


def test_without_a_deadline_every_page_is_read():
    tables = FakeOutboxTables({"crm": [_item(n, timedelta(hours=1, seconds=n)) for n in range(25)]})
    report = _sweeper(tables, FakeEventBridge(), page_size=2).sweep()
    assert report.found == 25 and len(tables.deleted()) == 25 and not report.out_of_time


def test_pages_are_read_while_the_function_has_time_left():
    tables = FakeOutboxTables(
        {"crm": [_item(n, timedelta(hours=1, seconds=n)) for n in range(5)], "hr": [_item(9, timedelta(hours=1))]}
    )
    remaining = iter([50_000, 30_000, 9_000])
    report = _sweeper(tables, FakeEventBridge(), page_size=2).sweep(lambda: next(remaining))
    assert report.found == 4 and len(tables.queries) == 2 and report.out_of_time
    assert len(tables.deleted()) == 4
