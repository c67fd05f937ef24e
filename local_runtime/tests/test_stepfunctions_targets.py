"""A state machine as an EventBridge rule target: the whole event as input, DLQ when StartExecution
fails, and 40 executions started at once (5 Lambda tasks each, one DynamoDB transaction per task)."""

from __future__ import annotations

import json
import time
from typing import Any

from core_helpers import drain, put_event

from local_runtime import LocalRuntime

CONCURRENT = 40
STEPS = 5


def executions(rt: LocalRuntime, expect: int, timeout: float) -> list[dict[str, Any]]:
    """All executions of Steps once ``expect`` of them are no longer RUNNING."""
    sfn = rt.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=rt.physical_id("Steps")):
            found += page["executions"]
        if sum(e["status"] != "RUNNING" for e in found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def counter(rt: LocalRuntime) -> int:
    item = (
        rt.client("dynamodb")
        .get_item(TableName=rt.physical_id("Table"), Key={"PK": {"S": "COUNTER"}, "SK": {"S": "steps"}})
        .get("Item")
    )
    return int(item["n"]["N"]) if item else 0


def test_the_target_gets_the_whole_event(rt: LocalRuntime) -> None:
    before = counter(rt)
    put_event(rt, "fixture.steps", {"n": 1}, detail_type="Requested")
    [ex] = executions(rt, 1, 10)
    sfn = rt.client("stepfunctions")
    d = sfn.describe_execution(executionArn=ex["executionArn"])
    assert d["status"] == "SUCCEEDED", d
    event = json.loads(d["input"])
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (event["source"], event["detail-type"], event["detail"]) == ("fixture.steps", "Requested", {"n": 1})
    output = json.loads(d["output"])
    assert output.pop("last") == {"step": STEPS} and output == event
    assert counter(rt) == before + STEPS


def test_forty_executions_started_at_once_all_succeed(rt: LocalRuntime) -> None:
    already = len(executions(rt, 0, 0))
    before = counter(rt)
    events = rt.client("events")
    t0 = time.monotonic()
    for first in range(0, CONCURRENT, 10):
        events.put_events(
            Entries=[
                {
                    "Source": "fixture.steps",
                    "DetailType": "Requested",
                    "Detail": json.dumps({"n": i}),
                    "EventBusName": rt.physical_id("Bus"),
                }
                for i in range(first, first + 10)
            ]
        )
    found = executions(rt, already + CONCURRENT, 60)
    elapsed = time.monotonic() - t0
    print(f"{CONCURRENT} executions x {STEPS} Lambda tasks: all done in {elapsed:.2f} s")
    assert len(found) == already + CONCURRENT
    assert all(e["status"] == "SUCCEEDED" for e in found), [e["status"] for e in found]
    # Every task's transaction landed exactly once, the shared counter included (each call is atomic).
    assert counter(rt) == before + CONCURRENT * STEPS
    assert elapsed < 30, elapsed  # ~2-3 s on 2 cores; was ~6.5 s before the interpreter's clients were cached


def test_start_execution_failure_sends_the_event_to_the_rules_dead_letter_queue(rt: LocalRuntime) -> None:
    drain(rt, "RuleDLQ", expect=0, timeout=0.1)
    put_event(rt, "fixture.missing-flow", {"k": 1})
    [dead] = drain(rt, "RuleDLQ")
    assert dead["body"]["source"] == "fixture.missing-flow" and dead["body"]["detail"] == {"k": 1}
    assert dead["attributes"]["TARGET_ARN"].endswith(":stateMachine:does-not-exist")
    assert dead["attributes"]["ERROR_CODE"] == "StateMachineDoesNotExist"


def test_the_sam_rule_of_a_state_machine_keeps_its_dead_letter_config(rt: LocalRuntime) -> None:
    [rule] = [r for r in rt.provisioned.rules if r.logical_id.startswith("Steps")]
    [target] = rt.client("events").list_targets_by_rule(Rule=rule.name, EventBusName=rule.bus)["Targets"]
    assert target["Arn"] == rt.physical_id("Steps")
    queue = rt.client("sqs").get_queue_attributes(QueueUrl=rt.physical_id("RuleDLQ"), AttributeNames=["QueueArn"])
    assert target["DeadLetterConfig"]["Arn"] == queue["Attributes"]["QueueArn"]
