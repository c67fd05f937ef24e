from __future__ import annotations

import json

import pytest
from core_helpers import FIXTURE_TEMPLATE, drain

from local_runtime import LocalRuntime


@pytest.fixture(scope="module")
def rt():
    runtime = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=1000)
    runtime.provision()
    yield runtime
    runtime.stop()


def test_async_failure_retries_then_on_failure_destination(rt: LocalRuntime) -> None:
    calls = []
    module = rt.lambdas.module_for("AlwaysFailFunction")
    original = module.lambda_handler

    def counting(event, context):
        calls.append(rt.clock.time())
        return original(event, context)

    module.lambda_handler = counting
    try:
        rt.lambdas.invoke_async("AlwaysFailFunction", {"job": 7})
        assert rt.wait_idle(5)
    finally:
        module.lambda_handler = original
    assert len(calls) == 2  # MaximumRetryAttempts: 1
    assert calls[1] - calls[0] >= 59  # about a minute between attempts, on the clock
    msgs = drain(rt, "FailureQueue")
    assert len(msgs) == 1
    rec = msgs[0]["body"]
    assert rec["version"] == "1.0" and rec["timestamp"].endswith("Z")
    assert rec["requestContext"]["condition"] == "RetriesExhausted"
    assert rec["requestContext"]["approximateInvokeCount"] == 2
    assert rec["requestContext"]["functionArn"] == rt.lambdas.spec("AlwaysFailFunction").arn + ":$LATEST"
    assert rec["requestPayload"] == {"job": 7}
    assert rec["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert rec["responsePayload"]["errorType"] == "CustomError"


def test_async_failure_without_destination_goes_to_dead_letter_queue(rt: LocalRuntime) -> None:
    rt.client("lambda").invoke(
        FunctionName=rt.physical_id("DlqFunction"), InvocationType="Event", Payload=json.dumps({"raw": True})
    )
    assert rt.wait_idle(5)
    msgs = drain(rt, "DeadQueue")
    assert [m["body"] for m in msgs] == [{"raw": True}]


def test_async_success_has_no_failure_record(rt: LocalRuntime) -> None:
    rt.lambdas.invoke_async("EchoFunction", {"record": False})
    assert rt.wait_idle(5)
    assert drain(rt, "FailureQueue", expect=1, timeout=0.2) == []


def test_async_invoke_of_unknown_function_fails_fast(rt: LocalRuntime) -> None:
    with pytest.raises(KeyError):
        rt.lambdas.invoke_async("NoSuchFunction", {})
