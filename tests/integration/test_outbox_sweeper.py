"""OutboxSweeperFunction under moto: republishes outbox items the relay never published, clears them,
and leaves fresh ones to the relay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
from tandem.shared.aws import bootstrap
from tandem.shared.clock import iso

from . import conftest
from .conftest import REGION, published


def _age_outbox(stack, age: timedelta) -> tuple[str, datetime]:
    """Pretend the one outbox item in CrmTable occurred ``age`` ago; returns its event id and that time."""
    table = boto3.resource("dynamodb", region_name=REGION).Table(stack.physical["CrmTable"])
    [item] = [i for i in stack.items() if i["type"] == "outbox"]
    then = datetime.now(UTC).replace(microsecond=0) - age
    table.update_item(
        Key={"PK": item["PK"], "SK": item["SK"]},
        UpdateExpression="SET occurred_at = :t, GSI1SK = :t",
        ExpressionAttributeValues={":t": iso(then)},
    )
    return item["event_id"], then


def test_a_pending_item_past_the_grace_period_is_republished_and_cleared(stack, sample, bus_queue):
    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))
    event_id, occurred_at = _age_outbox(stack, timedelta(hours=30))  # the stream gave up long ago

    report = stack.call("OutboxSweeperFunction", sample("outbox_sweeper/scheduled_sweep"))

    assert report["found"] == 1 and report["left"] == 0
    [event] = published(bus_queue)
    assert event["detail"]["metadata"]["event_id"] == event_id
    assert event["detail-type"] == "LeadCaptured"
    assert event["time"] == occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # when it occurred, not now
    assert [i for i in stack.items() if i["type"] == "outbox"] == []


def test_fresh_pending_items_are_left_to_the_relay(stack, sample, bus_queue):
    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))
    _age_outbox(stack, timedelta(seconds=30))

    report = stack.call("OutboxSweeperFunction", sample("outbox_sweeper/scheduled_sweep"))

    assert report["found"] == 0
    assert published(bus_queue) == []
    assert len([i for i in stack.items() if i["type"] == "outbox"]) == 1


def test_a_sweep_with_nothing_pending_costs_one_query_per_table(stack, sample, dynamodb_calls):
    tables = stack.environment("OutboxSweeperFunction")["OUTBOX_TABLES"].split(",")
    stack.call("OutboxSweeperFunction", sample("outbox_sweeper/scheduled_sweep"))
    assert len(tables) > 1
    assert dynamodb_calls == ["Query"] * len(tables)


def test_while_the_bus_is_down_the_item_stays_pending(stack, sample, bus_queue):
    from botocore.stub import Stubber

    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))
    _age_outbox(stack, timedelta(hours=1))
    with Stubber(bootstrap.client("events")) as stub:
        stub.add_client_error("put_events", service_error_code="InternalException", http_status_code=500)
        report = stack.call("OutboxSweeperFunction", sample("outbox_sweeper/scheduled_sweep"))

    assert report["left"] == 1
    assert [i["GSI1PK"] for i in stack.items() if i["type"] == "outbox"] == ["OUTBOX#PENDING"]


def test_a_sweep_stops_when_the_function_is_about_to_time_out(stack, sample, bus_queue, monkeypatch):
    stack.call("CrmApiFunction", sample("crm_api/submit_contact_form"))
    _age_outbox(stack, timedelta(hours=1))
    monkeypatch.setattr(conftest.LambdaContext, "get_remaining_time_in_millis", lambda self: 3_000)

    report = stack.call("OutboxSweeperFunction", sample("outbox_sweeper/scheduled_sweep"))

    assert report["found"] == 0 and report["out_of_time"]
    assert published(bus_queue) == []
