from __future__ import annotations

import time
from typing import Any

from core_helpers import Spy, drain

from local_runtime import LocalRuntime, atomic


def put(rt: LocalRuntime, pk: str, kind: str = "stream", fail: bool = False) -> None:
    item = {"PK": {"S": pk}, "SK": {"S": "x"}, "kind": {"S": kind}}
    if fail:
        item["fail"] = {"BOOL": True}
    rt.client("dynamodb").put_item(TableName=rt.physical_id("Table"), Item=item)


def test_filtered_records_reach_the_function_with_source_arn(rt: LocalRuntime) -> None:
    put(rt, "a1")
    put(rt, "ignored", kind="other")  # filtered out by FilterCriteria
    put(rt, "a2")
    # a MODIFY of a matching item is filtered out too (eventName INSERT only)
    put(rt, "a1")
    assert rt.wait_idle(5)
    msgs = drain(rt, "RecordQueue", expect=2)
    assert sorted(m["body"]["stream"] for m in msgs) == ["a1", "a2"]
    assert msgs[0]["body"]["source"] == rt.stack.resources["Table"].attributes["StreamArn"]
    assert msgs[0]["body"]["region"] == "us-east-1"


def test_batch_item_failure_retries_then_on_failure_record(rt: LocalRuntime) -> None:
    calls = []
    module = rt.lambdas.module_for("StreamFunction")
    original = module.lambda_handler

    def spy(event, context):
        calls.append([r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]])
        return original(event, context)

    module.lambda_handler = spy
    poller = rt.streams.pollers[0]
    # one batch: ok1, bad, ok2 (written while the poller is held back)
    poller.wake.clear()
    with_batch = [("ok1", False), ("bad", True), ("ok2", False)]
    try:
        with atomic.GATE:  # the poller cannot read until all three are written
            for pk, fail in with_batch:
                put(rt, pk, fail=fail)
        assert rt.wait_idle(5)
    finally:
        module.lambda_handler = original
    # whole batch first, then a retry from the lowest failed sequence number (MaximumRetryAttempts 1)
    assert calls == [["ok1", "bad", "ok2"], ["bad", "ok2"]]
    done = drain(rt, "RecordQueue", expect=3)
    assert sorted(m["body"]["stream"] for m in done) == ["ok1", "ok2", "ok2"]  # at-least-once
    failures = drain(rt, "StreamFailureQueue")
    assert len(failures) == 1
    rec = failures[0]["body"]
    info = rec["DDBStreamBatchInfo"]
    assert rec["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert rec["requestContext"]["functionArn"] == rt.lambdas.spec("StreamFunction").arn
    assert info["streamArn"] == rt.stack.resources["Table"].attributes["StreamArn"]
    assert int(info["startSequenceNumber"]) <= int(info["endSequenceNumber"])
    assert info["batchSize"] == 2 and info["shardId"].startswith("shardId-")
    assert rec["version"] == "1.0"


def test_function_error_bisects_and_exhausts(rt: LocalRuntime) -> None:
    seen = []
    module = rt.lambdas.module_for("StreamFunction")
    original = module.lambda_handler

    def boom(event, context):
        keys = [r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]]
        seen.append(keys)
        if "poison" in keys:
            raise ValueError("poison record")
        return original(event, context)

    module.lambda_handler = boom
    try:
        with atomic.GATE:
            put(rt, "fine1")
            put(rt, "poison")
        assert rt.wait_idle(5)
    finally:
        module.lambda_handler = original
    assert seen[0] == ["fine1", "poison"]
    assert ["fine1"] in seen and ["poison"] in seen  # bisected
    assert [m["body"]["stream"] for m in drain(rt, "RecordQueue")] == ["fine1"]
    failures = drain(rt, "StreamFailureQueue")
    assert len(failures) == 1 and failures[0]["body"]["DDBStreamBatchInfo"]["batchSize"] == 1
    assert failures[0]["body"]["responseContext"]["functionError"] == "Unhandled"


def test_internal_error_retries_the_batch_instead_of_skipping_it(rt: LocalRuntime) -> None:
    poller = rt.streams.pollers[0]
    real_invoke = rt.lambdas.invoke
    raised: list[str] = []

    def flaky(name: str, event: Any, **kwargs: Any) -> Any:
        if name == poller.mapping.function and not raised:
            raised.append(name)
            raise KeyError(f"no such function: {name}")  # e.g. the runtime lost the function
        return real_invoke(name, event, **kwargs)

    rt.lambdas.invoke = flaky  # type: ignore[method-assign]
    try:
        put(rt, "after-error")
        assert rt.wait_idle(5)
    finally:
        del rt.lambdas.invoke
    assert raised
    assert [m["body"]["stream"] for m in drain(rt, "RecordQueue")] == ["after-error"]


def test_records_older_than_maximum_record_age_go_to_on_failure_destination(rt: LocalRuntime) -> None:
    poller = rt.streams.pollers[0]
    poller.max_record_age = 60
    try:
        with Spy(rt, "StreamFunction") as spy:
            with atomic.GATE:  # the poller cannot read the record for 100 s of clock time
                put(rt, "stale")
                time.sleep(0.1)
            assert rt.wait_idle(5)
    finally:
        poller.max_record_age = -1
    assert spy.events == []
    [failure] = drain(rt, "StreamFailureQueue")
    rec = failure["body"]
    assert rec["requestContext"]["condition"] == "RecordAgeExceeded"
    assert rec["requestContext"]["approximateInvokeCount"] == 0
    assert rec["DDBStreamBatchInfo"]["batchSize"] == 1
    assert drain(rt, "RecordQueue", timeout=0.2) == []
