"""Relay batching and partial failures, against a fake EventBridge client."""

from __future__ import annotations

import json
from typing import Any

from tandem.shared.relay import OutboxRelay, relay_stream_batch


def _record(n: int, *, event_name: str = "INSERT", type_: str = "outbox", detail: str | None = None) -> dict:
    image = {"PK": {"S": f"OUTBOX#{n}"}, "SK": {"S": "OUTBOX"}, "type": {"S": type_},
             "source": {"S": "tandem.crm"}, "detail_type": {"S": "LeadCaptured"},
             "detail": {"S": detail or json.dumps({"metadata": {"n": n}, "data": {}})}}
    return {"eventName": event_name, "eventSourceARN": "arn:stream",
            "dynamodb": {"SequenceNumber": f"{n:05d}", "NewImage": image, "StreamViewType": "NEW_IMAGE"}}


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


class FakeSqs:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def send_message(self, QueueUrl: str, MessageBody: str) -> dict:  # noqa: N803
        self.messages.append(json.loads(MessageBody))
        return {"MessageId": "m"}


def _relay(bus: FakeEventBridge, sqs: FakeSqs | None = None) -> OutboxRelay:
    return OutboxRelay("bus", bus, poison_queue_url="https://sqs/poison" if sqs else None, sqs_client=sqs)


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
