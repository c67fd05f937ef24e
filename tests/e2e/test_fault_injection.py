"""Nothing is lost and nothing happens twice: the outbox, the relay, the sweeper and idempotent consumers
recover from EventBridge outages (even longer than the stream's retries), partial PutEvents failures and a
consumer that fails once; poison ends in a DLQ.

Faults are injected into moto's backends (the AWS side), so the application code under test is exactly
the code that runs on AWS."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter

import boto3
import pytest
from moto.core.exceptions import JsonRESTError
from moto.events.models import EventsBackend
from moto.ses.models import SESBackend

from .conftest import eventually

pytestmark = pytest.mark.e2e


class InjectedOutage(JsonRESTError):
    code = 500

    def __init__(self) -> None:
        super().__init__("InternalException", "injected outage")


class FaultBudget:
    """Counts down a number of injected failures, thread-safely."""

    def __init__(self, failures: int) -> None:
        self.remaining = failures
        self.injected = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.remaining <= 0:
                return False
            self.remaining -= 1
            self.injected += 1
            return True


def _submit_forms(http, count):
    emails = [f"fault.{uuid.uuid4().hex[:10]}@example.com" for _ in range(count)]
    for address in emails:
        status, body = http.post(
            "/forms/contact", {"name": "Grace Hopper", "email": address, "message": "Call me back", "consent": False}
        )
        assert status == 202, body
    return emails


def _acknowledgements(http, addresses):
    _, sent = http.get("/_local/emails")
    counts = Counter(to for message in sent["emails"] for to in message["to"])
    return {address: counts[address] for address in addresses}


def _assert_each_acknowledged_exactly_once(http, runtime, addresses):
    eventually(lambda: all(_acknowledgements(http, addresses).values()), timeout=10)
    assert runtime.wait_idle(timeout=10)
    assert _acknowledgements(http, addresses) == dict.fromkeys(addresses, 1)


def _queue_messages(runtime, logical_id):
    sqs = boto3.client("sqs", region_name=runtime.region)
    url = runtime.physical_id(logical_id)
    messages = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return messages
        messages += [json.loads(m["Body"]) for m in batch]
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_put_events_outage_delays_but_loses_nothing(http, runtime, monkeypatch):
    budget = FaultBudget(failures=4)
    original = EventsBackend.put_events

    def failing_put_events(self, events):
        if budget.take():
            raise InjectedOutage()
        return original(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", failing_put_events)

    addresses = _submit_forms(http, 5)

    _assert_each_acknowledged_exactly_once(http, runtime, addresses)
    assert budget.injected == 4


def test_partially_failed_put_events_republishes_only_what_is_missing(http, runtime, monkeypatch):
    budget = FaultBudget(failures=3)
    original = EventsBackend.put_events

    def partly_failing_put_events(self, events):
        if len(events) > 1 and budget.take():
            # The first entry fails, the rest go through: FailedEntryCount = 1.
            return [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}] + original(self, events[1:])
        if len(events) == 1 and budget.take():
            return [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"}]
        return original(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", partly_failing_put_events)

    addresses = _submit_forms(http, 6)

    _assert_each_acknowledged_exactly_once(http, runtime, addresses)
    assert budget.injected == 3


@pytest.mark.parametrize("method", ["send_email", "send_raw_email"])
def test_consumer_failing_once_is_retried_and_acts_once(http, runtime, monkeypatch, method):
    budget = FaultBudget(failures=1)
    original = getattr(SESBackend, method)

    def failing_once(self, *args, **kwargs):
        if budget.take():
            raise InjectedOutage()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SESBackend, method, failing_once)

    addresses = _submit_forms(http, 2)

    _assert_each_acknowledged_exactly_once(http, runtime, addresses)


def test_every_event_delivered_twice_still_acknowledges_once(http, runtime):
    [address] = _submit_forms(http, 1)
    _assert_each_acknowledged_exactly_once(http, runtime, [address])
    _, events = http.get("/_local/events?limit=1000")
    [event] = [
        e for e in events["events"] if e["detail-type"] == "LeadCaptured" and e["detail"]["data"]["email"] == address
    ]

    boto3.client("events", region_name=runtime.region).put_events(
        Entries=[
            {
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(event["detail"]),
                "EventBusName": runtime.physical_id("EventBus"),
            }
        ]
    )

    assert runtime.wait_idle(timeout=10)
    assert _acknowledgements(http, [address]) == {address: 1}


def test_poison_outbox_item_ends_in_the_poison_queue_and_the_rest_flows(http, runtime):
    _queue_messages(runtime, "OutboxPoisonQueue")
    table = boto3.resource("dynamodb", region_name=runtime.region).Table(runtime.physical_id("CrmTable"))
    poison_id = str(uuid.uuid4())
    table.put_item(
        Item={
            "PK": f"OUTBOX#{poison_id}",
            "SK": "OUTBOX",
            "type": "outbox",
            "source": "tandem.crm",
            "detail_type": "LeadCaptured",
            "detail": "{not json",
        }
    )

    addresses = _submit_forms(http, 2)

    _assert_each_acknowledged_exactly_once(http, runtime, addresses)
    [record] = eventually(lambda: _queue_messages(runtime, "OutboxPoisonQueue"), timeout=10)
    assert record["error"]["code"] == "MalformedDetail"
    assert record["outbox_item"]["PK"] == f"OUTBOX#{poison_id}"
    assert record["table"] == runtime.physical_id("CrmTable")
    assert "Item" not in table.get_item(Key={"PK": f"OUTBOX#{poison_id}", "SK": "OUTBOX"})  # parked, not swept again


def _pending_outbox(runtime, addresses):
    """Outbox items of these addresses' LeadCaptured events that are still waiting to be published."""
    table = boto3.resource("dynamodb", region_name=runtime.region).Table(runtime.physical_id("CrmTable"))
    items = table.scan()["Items"]
    return [
        i
        for i in items
        if i.get("GSI1PK") == "OUTBOX#PENDING" and json.loads(i["detail"])["data"]["email"] in addresses
    ]


def test_outage_longer_than_the_stream_retries_is_recovered_by_the_sweeper(http, runtime, monkeypatch):
    _queue_messages(runtime, "OutboxRelayDLQ")
    outage = threading.Event()
    outage.set()
    original = EventsBackend.put_events

    def down_until_recovered(self, events):
        if outage.is_set():
            raise InjectedOutage()
        return original(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", down_until_recovered)

    addresses = _submit_forms(http, 2)

    # The stream gives up on both: its on-failure records hold only pointers, but the outbox items remain.
    pointers: list[dict] = []

    def both_given_up():
        pointers.extend(_queue_messages(runtime, "OutboxRelayDLQ"))
        return sum(p["DDBStreamBatchInfo"]["batchSize"] for p in pointers) >= 2

    eventually(both_given_up, timeout=10)
    assert {p["requestContext"]["condition"] for p in pointers} == {"RetryAttemptsExhausted"}
    assert "outbox_item" not in pointers[0]
    assert len(_pending_outbox(runtime, addresses)) == 2
    outage.clear()
    assert runtime.wait_idle(timeout=10)
    assert _acknowledgements(http, addresses) == dict.fromkeys(addresses, 0)  # the relay will not retry

    # EventBridge is back: the next sweep publishes what the relay could not (grace 0: no waiting here).
    sweeper = runtime.lambdas.spec("OutboxSweeperFunction")
    monkeypatch.setitem(sweeper.environment, "OUTBOX_SWEEP_GRACE_SECONDS", "0")
    result = runtime.schedules.fire("outbox-sweep")  # POST /_local/schedules/outbox-sweep/fire

    assert not result["errored"], result
    _assert_each_acknowledged_exactly_once(http, runtime, addresses)
    assert _pending_outbox(runtime, addresses) == []


def test_poison_event_ends_in_the_consumer_dlq(http, runtime):
    _queue_messages(runtime, "ConsumerDLQ")
    poison = {
        "metadata": {
            "event_id": str(uuid.uuid4()),
            "event_type": "LeadCaptured",
            "version": 1,
            "occurred_at": "2026-01-01T00:00:00Z",
            "correlation_id": "c",
            "causation_id": "c",
        },
        "data": {"unexpected": True},
    }

    boto3.client("events", region_name=runtime.region).put_events(
        Entries=[
            {
                "Source": "tandem.crm",
                "DetailType": "LeadCaptured",
                "Detail": json.dumps(poison),
                "EventBusName": runtime.physical_id("EventBus"),
            }
        ]
    )

    [record] = eventually(lambda: _queue_messages(runtime, "ConsumerDLQ"), timeout=10)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"]["detail"]["metadata"]["event_id"] == poison["metadata"]["event_id"]
