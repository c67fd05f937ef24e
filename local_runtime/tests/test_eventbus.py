from __future__ import annotations

import json
import time

from core_helpers import drain, new_queue, put_event
from local_runtime.targets import input_for, json_path

from local_runtime import LocalRuntime


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
        attrs["RULE_ARN"].endswith("local-MissingTargetRule-74A3C2A7E01E") or "MissingTargetRule" in attrs["RULE_ARN"]
    )
    assert attrs["ERROR_CODE"]


def test_sqs_target_without_input_gets_the_event(rt: LocalRuntime) -> None:
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
    assert e["detail"] == {"i": 2} and e["account"] == "123456789012" and e["event-bus-name"] == rt.physical_id("Bus")
    assert e["time"].endswith("Z")


def test_input_helpers() -> None:
    event = {"detail": {"a": {"b": [5, 6]}}, "source": "s", "id": "1"}
    assert json_path("$", event) is event
    assert json_path("$.detail.a.b[1]", event) == 6
    assert input_for({"Input": '{"x": 1}'}, event, 0) == {"x": 1}
    assert input_for({"InputPath": "$.detail.a"}, event, 0) == {"b": [5, 6]}
    assert input_for({}, event, 0) is event
    transformer = {
        "InputTransformer": {
            "InputPathsMap": {"b": "$.detail.a.b", "s": "$.source"},
            "InputTemplate": '{"list": <b>, "src": <s>, "text": "from <s>!"}',
        }
    }
    assert input_for(transformer, event, 0) == {"list": [5, 6], "src": "s", "text": "from s!"}
    plain = {"InputTransformer": {"InputPathsMap": {"s": "$.source"}, "InputTemplate": '"<s> happened"'}}
    assert input_for(plain, event, 0) == "s happened"


def _rule(rt: LocalRuntime, name: str, targets: list[dict], bus: str = "", **kwargs: object) -> None:
    events = rt.client("events")
    bus = bus or rt.physical_id("Bus")
    events.put_rule(Name=name, EventBusName=bus, **kwargs)
    events.put_targets(Rule=name, EventBusName=bus, Targets=targets)


def test_disabled_and_schedule_only_rules_do_not_match_events(rt: LocalRuntime) -> None:
    url, arn = new_queue(rt, "probe-rule-state")
    pattern = json.dumps({"source": ["fixture.state"]})
    _rule(rt, "probe-disabled", [{"Id": "q", "Arn": arn}], EventPattern=pattern, State="DISABLED")
    _rule(rt, "probe-scheduled", [{"Id": "q", "Arn": arn}], "default", ScheduleExpression="rate(1 hour)")
    _rule(rt, "probe-enabled", [{"Id": "q", "Arn": arn, "Input": '"enabled"'}], EventPattern=pattern)
    put_event(rt, "fixture.state", {"s": 1})
    rt.client("events").put_events(Entries=[{"Source": "fixture.state", "DetailType": "T", "Detail": "{}"}])
    assert rt.wait_idle(5)
    assert [m["body"] for m in drain(rt, url, timeout=1)] == ["enabled"]


def test_sqs_target_input_transformer_and_dead_letter(rt: LocalRuntime) -> None:
    url, arn = new_queue(rt, "probe-transform")
    dlq = rt.stack.resources["RuleDLQ"].attributes["Arn"]
    transformer = {"InputPathsMap": {"kind": "$.detail.kind"}, "InputTemplate": '{"kind": <kind>, "text": "a <kind>"}'}
    gone = arn.rsplit(":", 1)[0] + ":no-such-queue"
    _rule(
        rt,
        "probe-sqs",
        [
            {"Id": "q", "Arn": arn, "InputTransformer": transformer},
            {"Id": "gone", "Arn": gone, "DeadLetterConfig": {"Arn": dlq}},
        ],
        EventPattern=json.dumps({"source": ["fixture.sqs-transform"]}),
    )
    out = put_event(rt, "fixture.sqs-transform", {"kind": "k1"})
    assert out["FailedEntryCount"] == 0
    assert rt.wait_idle(5)
    assert [m["body"] for m in drain(rt, url)] == [{"kind": "k1", "text": "a k1"}]
    [dead] = drain(rt, "RuleDLQ")
    assert dead["body"]["detail"] == {"kind": "k1"} and dead["attributes"]["TARGET_ARN"] == gone
