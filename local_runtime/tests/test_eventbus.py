from __future__ import annotations

import json
import time

import pytest
from core_helpers import FIXTURE_TEMPLATE, drain, put_event
from local_runtime.eventbus import json_path, target_input

from local_runtime import LocalRuntime


@pytest.fixture(scope="module")
def rt():
    runtime = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000)
    runtime.start()
    yield runtime
    runtime.stop()


def test_lambda_target_gets_input_path_async(rt: LocalRuntime) -> None:
    t0 = time.perf_counter()
    out = put_event(rt, "fixture.echo", {"hello": "world"})
    assert out["FailedEntryCount"] == 0
    assert time.perf_counter() - t0 < 0.5  # put_events does not wait for the handler
    assert rt.wait_idle(5)
    msgs = drain(rt, "RecordQueue")
    assert [m["body"]["event"] for m in msgs] == [{"hello": "world"}]  # InputPath $.detail


def test_input_transformer_and_constant_input(rt: LocalRuntime) -> None:
    put_event(rt, "fixture.transform", {"kind": "k1"})
    assert rt.wait_idle(5)
    events = sorted((m["body"]["event"] for m in drain(rt, "RecordQueue", expect=2)), key=json.dumps)
    assert events == [{"constant": True}, {"constant": 1, "kind": "k1", "src": "fixture.transform"}]


def test_failed_delivery_goes_to_target_dlq(rt: LocalRuntime) -> None:
    put_event(rt, "fixture.missing", {"n": 1})
    assert rt.wait_idle(5)
    msgs = drain(rt, "RuleDLQ")
    assert len(msgs) == 1
    body, attrs = msgs[0]["body"], msgs[0]["attributes"]
    assert body["detail"] == {"n": 1} and body["source"] == "fixture.missing"
    assert attrs["TARGET_ARN"].endswith(":function:does-not-exist")
    assert (
        attrs["RULE_ARN"].endswith("local-MissingTargetRule-74A3C2A7E01E")
        or "MissingTargetRule" in attrs["RULE_ARN"]
    )
    assert attrs["ERROR_CODE"]


def test_sqs_targets_keep_moto_behaviour(rt: LocalRuntime) -> None:
    put_event(rt, "fixture.sqs", {"q": 1})
    msgs = drain(rt, "WorkQueue")
    assert len(msgs) == 1 and msgs[0]["body"]["detail"] == {"q": 1}


def test_step_functions_target_starts_an_execution(rt: LocalRuntime) -> None:
    sfn = rt.client("stepfunctions")
    put_event(rt, "fixture.flow", {"go": True})
    assert rt.wait_idle(10)
    execs = sfn.list_executions(stateMachineArn=rt.physical_id("Flow"))["executions"]
    assert len(execs) == 1 and execs[0]["status"] == "SUCCEEDED"
    out = json.loads(sfn.describe_execution(executionArn=execs[0]["executionArn"])["output"])
    assert out["input"]["detail"] == {"go": True}  # FailOnce echoes its input


def test_recent_events_newest_first_full_shape(rt: LocalRuntime) -> None:
    put_event(rt, "fixture.none", {"i": 1}, "First")
    put_event(rt, "fixture.none", {"i": 2}, "Second")
    recent = rt.events.recent(2)
    assert [e["detail-type"] for e in recent] == ["Second", "First"]
    e = recent[0]
    assert set(e) >= {
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    }
    assert (
        e["detail"] == {"i": 2}
        and e["account"] == "123456789012"
        and e["event-bus-name"] == rt.physical_id("Bus")
    )
    assert e["time"].endswith("Z")


def test_input_helpers() -> None:
    event = {"detail": {"a": {"b": [5, 6]}}, "source": "s", "id": "1"}
    assert json_path("$", event) is event
    assert json_path("$.detail.a.b[1]", event) == 6
    assert target_input({"Input": '{"x": 1}'}, event, 0) == {"x": 1}
    assert target_input({"InputPath": "$.detail.a"}, event, 0) == {"b": [5, 6]}
    assert target_input({}, event, 0) is event
    transformer = {
        "InputTransformer": {
            "InputPathsMap": {"b": "$.detail.a.b", "s": "$.source"},
            "InputTemplate": '{"list": <b>, "src": <s>, "text": "from <s>!"}',
        }
    }
    assert target_input(transformer, event, 0) == {"list": [5, 6], "src": "s", "text": "from s!"}
    plain = {"InputTransformer": {"InputPathsMap": {"s": "$.source"}, "InputTemplate": '"<s> happened"'}}
    assert target_input(plain, event, 0) == "s happened"
