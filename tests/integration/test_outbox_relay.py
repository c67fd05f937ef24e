"""OutboxRelayFunction under moto: publishes to the bus, clears what it published, reports partial
failures, parks poison."""

from __future__ import annotations

import json

import boto3
from botocore.stub import Stubber
from tandem.shared.aws import bootstrap

from .conftest import REGION, published


def _stream_records(stack) -> list[dict]:
    """NEW_IMAGE INSERT records for every item in CrmTable, shaped as Lambda receives them.

    (moto 5.2.5 answers DescribeStream with "Not yet implemented", so the records are built
    from the stored items; the relay must skip the non-outbox ones itself.)
    """
    scan = boto3.client("dynamodb", region_name=REGION).scan(TableName=stack.physical["CrmTable"])
    return [
        {
            "eventID": str(n),
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "eventSourceARN": f"arn:aws:dynamodb:{REGION}:123456789012:table/{stack.physical['CrmTable']}"
            "/stream/2026-11-27T15:00:00.000",
            "dynamodb": {
                "Keys": {"PK": item["PK"], "SK": item["SK"]},
                "NewImage": item,
                "SequenceNumber": f"{n:021d}",
                "StreamViewType": "NEW_IMAGE",
            },
        }
        for n, item in enumerate(scan["Items"], start=1)
    ]


def test_sample_outbox_records_are_published_on_the_bus(stack, sample, bus_queue):
    response = stack.call("OutboxRelayFunction", sample("outbox_relay/outbox_inserts"))

    assert response == {"batchItemFailures": []}
    events = published(bus_queue)
    assert {(e["source"], e["detail-type"]) for e in events} == {("tandem.crm", "LeadCaptured")}
    assert {e["detail"]["data"]["name"] for e in events} == {"Ada Lovelace", "Grace Hopper"}
    assert {e["time"] for e in events} == {"2026-11-27T15:30:00Z"}  # when it occurred, not now


def test_the_stream_of_a_real_submission_reaches_the_bus(stack, sample, bus_queue):
    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))

    response = stack.call("OutboxRelayFunction", {"Records": _stream_records(stack)})

    assert response == {"batchItemFailures": []}
    [event] = published(bus_queue)  # the lead and dedup items were skipped
    assert event["detail"]["metadata"]["correlation_id"] == "web-7f3c2a"


def test_a_published_outbox_item_leaves_the_table_in_one_extra_round_trip(stack, sample, bus_queue):
    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))
    assert [i for i in stack.items() if i["type"] == "outbox"][0]["GSI1PK"] == "OUTBOX#PENDING"
    calls: list[str] = []
    for service in ("events", "dynamodb"):
        bootstrap.client(service).meta.events.register(
            f"before-call.{service}", lambda model, **_: calls.append(model.name)
        )

    stack.call("OutboxRelayFunction", {"Records": _stream_records(stack)})

    assert calls == ["PutEvents", "BatchWriteItem"]
    assert [i["type"] for i in stack.items() if i["type"] == "outbox"] == []
    assert {i["type"] for i in stack.items()} == {"lead", "lead_dedup"}


def test_a_failed_entry_is_reported_with_everything_after_it(stack, sample, monkeypatch):
    event = sample("outbox_relay/outbox_inserts")
    monkeypatch.setenv("AWS_REGION", REGION)
    client = bootstrap.client("events")
    with Stubber(client) as stub:
        stub.add_response(
            "put_events",
            {
                "FailedEntryCount": 1,
                "Entries": [{"EventId": "ok"}, {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}],
            },
        )
        response = stack.call("OutboxRelayFunction", event)

    assert response == {"batchItemFailures": [{"itemIdentifier": "111100000000000000000002"}]}


def test_a_failed_call_reports_every_record(stack, sample):
    client = bootstrap.client("events")
    with Stubber(client) as stub:
        stub.add_client_error("put_events", service_error_code="InternalException", http_status_code=500)
        response = stack.call("OutboxRelayFunction", sample("outbox_relay/outbox_inserts"))

    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [
        "111100000000000000000001",
        "111100000000000000000002",
    ]


def test_poison_is_parked_in_the_poison_queue_and_the_rest_ispublished(stack, sample, bus_queue):
    event = sample("outbox_relay/outbox_inserts")
    event["Records"][0]["dynamodb"]["NewImage"]["detail"] = {"S": "{not json"}

    response = stack.call("OutboxRelayFunction", event)

    assert response == {"batchItemFailures": []}
    assert len(published(bus_queue)) == 1
    sqs = boto3.client("sqs", region_name=REGION)
    [message] = sqs.receive_message(QueueUrl=stack.physical["OutboxPoisonQueue"])["Messages"]
    parked = json.loads(message["Body"])
    assert parked["error"]["code"] == "MalformedDetail"
    assert parked["outbox_item"]["PK"].startswith("OUTBOX#")
    assert parked["sequence_number"] == "111100000000000000000001"
    assert sqs.receive_message(QueueUrl=stack.physical["OutboxRelayDLQ"]).get("Messages") is None
