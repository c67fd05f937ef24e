"""Relay batching, partial failures and clearing what it published, against fake AWS clients."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from tandem.shared.aws import bootstrap
from tandem.shared.aws.relay import OutboxRelay, relay_stream_batch, table_name

OCCURRED_AT = "2026-11-27T12:00:00.000000+00:00"
SQS_MAX_BYTES = 1024 * 1024
PUT_EVENTS_MAX_BYTES = 256 * 1024


def _stream_arn(table: str) -> str:
    return f"arn:aws:dynamodb:eu-central-1:123456789012:table/{table}/stream/2026-11-27T15:00:00.000"


def _record(
    n: int, *, event_name: str = "INSERT", type_: str = "outbox", detail: str | None = None, table: str = "tandem-crm"
) -> dict:
    keys = {"PK": {"S": f"OUTBOX#{n}"}, "SK": {"S": "OUTBOX"}}
    image = {
        **keys,
        "type": {"S": type_},
        "source": {"S": "tandem.crm"},
        "detail_type": {"S": "LeadCaptured"},
        "detail": {"S": detail or json.dumps({"metadata": {"n": n}, "data": {}})},
        "occurred_at": {"S": OCCURRED_AT},
        "GSI1PK": {"S": "OUTBOX#PENDING"},
        "GSI1SK": {"S": OCCURRED_AT},
    }
    return {
        "eventName": event_name,
        "eventSourceARN": _stream_arn(table),
        "dynamodb": {"SequenceNumber": f"{n:05d}", "Keys": keys, "NewImage": image, "StreamViewType": "NEW_IMAGE"},
    }


class FakeEventBridge:
    def __init__(self, *, fail_calls: set[int] | None = None, reject: dict[int, str] | None = None) -> None:
        self.calls: list[list[dict]] = []
        self.fail_calls = fail_calls or set()
        self.reject = reject or {}  # record number -> ErrorCode

    def put_events(self, Entries: list[dict]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(Entries)
        if len(self.calls) in self.fail_calls:
            raise ConnectionError("bus unreachable")
        results = []
        for entry in Entries:
            try:
                n = json.loads(entry["Detail"])["metadata"]["n"]
            except ValueError:
                n = -1
            code = self.reject.get(n)
            results.append({"ErrorCode": code, "ErrorMessage": "x"} if code else {"EventId": f"e{n}"})
        return {"FailedEntryCount": sum(1 for r in results if "ErrorCode" in r), "Entries": results}


class FakeDynamoDB:
    def __init__(self, *, fail: bool = False, unprocessed: int = 0) -> None:
        self.batches: list[dict[str, list[dict]]] = []
        self.fail = fail
        self.unprocessed = unprocessed  # calls that leave every request unprocessed

    def batch_write_item(self, RequestItems: dict) -> dict:  # noqa: N803
        self.batches.append(RequestItems)
        if self.fail:
            raise ConnectionError("table unreachable")
        if self.unprocessed:
            self.unprocessed -= 1
            return {"UnprocessedItems": RequestItems}
        return {"UnprocessedItems": {}}

    def deleted(self) -> list[tuple[str, str]]:
        return [
            (table, request["DeleteRequest"]["Key"]["PK"]["S"])
            for batch in self.batches
            for table, requests in batch.items()
            for request in requests
        ]


class FakeSqs:
    def __init__(self, *, fail: bool = False) -> None:
        self.messages: list[dict] = []
        self.bodies: list[str] = []
        self.fail = fail

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict:  # noqa: N803
        if self.fail:
            raise ConnectionError("queue unreachable")
        if len(MessageBody.encode()) > SQS_MAX_BYTES:
            raise ValueError("InvalidParameterValue: message too long")
        self.bodies.append(MessageBody)
        self.messages.append(json.loads(MessageBody))
        return {"MessageId": "m"}


def _relay(bus: FakeEventBridge, sqs: FakeSqs | None = None, dynamodb: FakeDynamoDB | None = None) -> OutboxRelay:
    return OutboxRelay(
        "bus",
        bus,
        poison_queue_url="https://sqs/poison" if sqs else None,
        sqs_client=sqs,
        dynamodb_client=dynamodb or FakeDynamoDB(),
    )


def _failed(response: dict) -> list[str]:
    return [f["itemIdentifier"] for f in response["batchItemFailures"]]


def test_publishes_in_calls_of_at_most_ten_entries():
    bus = FakeEventBridge()
    response = relay_stream_batch({"Records": [_record(n) for n in range(23)]}, _relay(bus))
    assert _failed(response) == []
    assert [len(c) for c in bus.calls] == [10, 10, 3]
    assert bus.calls[0][0]["EventBusName"] == "bus" and bus.calls[0][0]["Source"] == "tandem.crm"


def test_non_outbox_and_non_insert_records_are_skipped():
    bus = FakeEventBridge()
    records = [_record(1, event_name="MODIFY"), _record(2, type_="lead"), _record(3)]
    assert _failed(relay_stream_batch({"Records": records}, _relay(bus))) == []
    assert sum(len(c) for c in bus.calls) == 1


def test_a_rejected_entry_fails_it_and_everything_after_it_and_stops_publishing():
    bus = FakeEventBridge(reject={12: "InternalFailure"})
    response = relay_stream_batch({"Records": [_record(n) for n in range(25)]}, _relay(bus))
    assert _failed(response) == [f"{n:05d}" for n in range(12, 25)]
    assert len(bus.calls) == 2  # the third chunk was never sent


def test_a_failed_call_fails_every_record_not_yet_published():
    bus = FakeEventBridge(fail_calls={2})
    response = relay_stream_batch({"Records": [_record(n) for n in range(15)]}, _relay(bus))
    assert _failed(response) == [f"{n:05d}" for n in range(10, 15)]


def test_poison_goes_to_the_poison_queue_and_is_not_reported():
    bus, sqs = FakeEventBridge(), FakeSqs()
    records = [_record(1), _record(2, detail="{not json"), _record(3)]
    bus.reject = {-1: "MalformedDetail"}
    response = relay_stream_batch({"Records": records}, _relay(bus, sqs))
    assert _failed(response) == []
    [parked] = sqs.messages
    assert parked["error"]["code"] == "MalformedDetail"
    assert parked["outbox_item"]["PK"] == "OUTBOX#2" and parked["sequence_number"] == "00002"


def test_poison_without_a_queue_is_retried_like_a_failure():
    record = _record(1)
    del record["dynamodb"]["NewImage"]["detail"]
    response = relay_stream_batch({"Records": [_record(0), record, _record(2)]}, _relay(FakeEventBridge()))
    assert _failed(response) == ["00001", "00002"]


def test_published_items_leave_their_table_in_one_batch_write_per_25():
    bus, dynamodb = FakeEventBridge(), FakeDynamoDB()
    relay_stream_batch({"Records": [_record(n) for n in range(23)]}, _relay(bus, dynamodb=dynamodb))

    assert len(bus.calls) == 3 and len(dynamodb.batches) == 1  # 4 round trips for 23 events
    assert dynamodb.deleted() == [("tandem-crm", f"OUTBOX#{n}") for n in range(23)]


def test_only_published_items_are_cleared_the_rest_stay_pending():
    bus, dynamodb = FakeEventBridge(reject={12: "InternalFailure"}), FakeDynamoDB()
    relay_stream_batch({"Records": [_record(n) for n in range(25)]}, _relay(bus, dynamodb=dynamodb))

    # 10..19 went in one call with 12 failing: 10, 11, 13..19 were published, 12 and 20..24 were not.
    published = [n for n in range(20) if n != 12]
    assert dynamodb.deleted() == [("tandem-crm", f"OUTBOX#{n}") for n in published]


def test_nothing_is_cleared_when_put_events_fails():
    dynamodb = FakeDynamoDB()
    relay_stream_batch(
        {"Records": [_record(n) for n in range(3)]}, _relay(FakeEventBridge(fail_calls={1}), dynamodb=dynamodb)
    )
    assert dynamodb.batches == []


def test_parked_poison_is_cleared_too_so_the_sweeper_does_not_park_it_again():
    bus, sqs, dynamodb = FakeEventBridge(reject={-1: "MalformedDetail"}), FakeSqs(), FakeDynamoDB()
    records = [_record(1), _record(2, detail="{not json")]
    relay_stream_batch({"Records": records}, _relay(bus, sqs, dynamodb))
    assert dynamodb.deleted() == [("tandem-crm", "OUTBOX#1"), ("tandem-crm", "OUTBOX#2")]


def test_each_record_is_cleared_from_the_table_its_stream_belongs_to():
    dynamodb = FakeDynamoDB()
    records = [_record(1, table="tandem-crm"), _record(2, table="tandem-sales")]
    relay_stream_batch({"Records": records}, _relay(FakeEventBridge(), dynamodb=dynamodb))
    assert len(dynamodb.batches) == 1
    assert dynamodb.deleted() == [("tandem-crm", "OUTBOX#1"), ("tandem-sales", "OUTBOX#2")]


def test_a_failed_clear_does_not_fail_the_batch():
    response = relay_stream_batch(
        {"Records": [_record(1)]}, _relay(FakeEventBridge(), dynamodb=FakeDynamoDB(fail=True))
    )
    assert _failed(response) == []  # published; the sweeper publishes it again later (idempotent)


def test_entries_carry_the_time_the_event_occurred():
    bus = FakeEventBridge()
    relay_stream_batch({"Records": [_record(1)]}, _relay(bus))
    assert bus.calls[0][0]["Time"] == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_the_table_name_comes_from_the_stream_arn():
    assert table_name(_stream_arn("tandem-crm-prod")) == "tandem-crm-prod"
    assert table_name("arn:stream") is None and table_name(None) is None


def _aws_size(entry: dict) -> int:
    """The size of an entry as AWS computes it (Time counts 14 bytes)."""
    return (
        (14 if entry.get("Time") else 0)
        + sum(len(entry[k].encode()) for k in ("Source", "DetailType", "Detail"))
        + sum(len(r.encode()) for r in entry.get("Resources", []))
    )


def _padded(n: int, size: int) -> str:
    """A detail of exactly ``size`` UTF-8 bytes."""
    detail = json.dumps({"metadata": {"n": n}, "data": {"pad": ""}})
    return detail.replace('"pad": ""', '"pad": "' + "x" * (size - len(detail.encode())) + '"')


def test_each_call_stays_under_the_request_size_limit():
    bus = FakeEventBridge()
    records = [_record(n, detail=_padded(n, 60_000)) for n in range(10)]
    assert _failed(relay_stream_batch({"Records": records}, _relay(bus))) == []
    assert sum(len(c) for c in bus.calls) == 10 and len(bus.calls) == 3
    assert all(sum(_aws_size(e) for e in call) <= PUT_EVENTS_MAX_BYTES for call in bus.calls)


def test_an_entry_is_measured_as_aws_measures_it():
    bus, sqs = FakeEventBridge(), FakeSqs()
    at_limit = PUT_EVENTS_MAX_BYTES - len("tandem.crm") - len("LeadCaptured") - 14
    records = [_record(1, detail=_padded(1, at_limit)), _record(2, detail=_padded(2, at_limit + 1))]
    assert _failed(relay_stream_batch({"Records": records}, _relay(bus, sqs))) == []
    assert [len(c) for c in bus.calls] == [1] and _aws_size(bus.calls[0][0]) == PUT_EVENTS_MAX_BYTES
    [parked] = sqs.messages
    assert parked["error"]["code"] == "EntryTooLarge" and parked["outbox_item"]["PK"] == "OUTBOX#2"


def _non_ascii(n: int, chars: int) -> str:
    return json.dumps({"metadata": {"n": n}, "data": {"note": "é" * chars}}, ensure_ascii=False)


def test_poison_is_parked_without_escaping_non_ascii_text():
    sqs = FakeSqs()
    record = _record(1, detail=_non_ascii(1, 300_000))  # 600 KB: too large to publish, fits SQS unescaped
    assert _failed(relay_stream_batch({"Records": [record]}, _relay(FakeEventBridge(), sqs))) == []
    [parked] = sqs.messages
    assert parked["outbox_item"]["detail"] == _non_ascii(1, 300_000) and "é" in sqs.bodies[0]


def test_poison_too_large_for_the_queue_is_parked_as_a_trimmed_record():
    sqs, dynamodb = FakeSqs(), FakeDynamoDB()
    record = _record(1, detail=_non_ascii(1, 600_000))  # 1.2 MB
    record["dynamodb"]["NewImage"]["event_id"] = {"S": "e-1"}
    response = relay_stream_batch({"Records": [record]}, _relay(FakeEventBridge(), sqs, dynamodb))
    assert _failed(response) == []
    [parked] = sqs.messages
    assert "outbox_item" not in parked and parked["table"] == "tandem-crm"
    assert parked["key"] == {"PK": "OUTBOX#1", "SK": "OUTBOX"} and parked["event_id"] == "e-1"
    assert parked["error"]["code"] == "EntryTooLarge" and parked["size"] > SQS_MAX_BYTES
    assert parked["sequence_number"] == "00001" and dynamodb.deleted() == [("tandem-crm", "OUTBOX#1")]


def test_unprocessed_deletes_are_retried():
    dynamodb = FakeDynamoDB(unprocessed=1)
    relay_stream_batch({"Records": [_record(1), _record(2)]}, _relay(FakeEventBridge(), dynamodb=dynamodb))
    assert len(dynamodb.batches) == 2 and dynamodb.batches[0] == dynamodb.batches[1]


def test_unprocessed_deletes_are_retried_twice_then_left_to_the_sweeper(caplog):
    dynamodb = FakeDynamoDB(unprocessed=5)
    response = relay_stream_batch({"Records": [_record(1), _record(2)]}, _relay(FakeEventBridge(), dynamodb=dynamodb))
    assert _failed(response) == [] and len(dynamodb.batches) == 3
    assert "2 published outbox items left pending" in caplog.text


def test_a_failed_clear_logs_the_size_of_its_call(caplog):
    relay_stream_batch(
        {"Records": [_record(n) for n in range(30)]}, _relay(FakeEventBridge(), dynamodb=FakeDynamoDB(fail=True))
    )
    assert "Could not delete 25 " in caplog.text and "Could not delete 5 " in caplog.text


def test_clients_time_out_well_within_the_relay_timeout(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    bootstrap.reset()
    try:
        config = bootstrap.client("events").meta.config
    finally:
        bootstrap.reset()
    assert (config.connect_timeout, config.read_timeout) == (1, 3)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
