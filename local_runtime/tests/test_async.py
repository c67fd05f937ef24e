from __future__ import annotations

import json
import threading
import time

import pytest
from core_helpers import FIXTURE_TEMPLATE, Spy, drain

from local_runtime import LocalRuntime

START_RUNTIME = False  # provisioned only: no pollers, no schedule clock


def test_async_failure_retries_then_on_failure_destination(rt: LocalRuntime, capfd: pytest.CaptureFixture) -> None:
    with Spy(rt, "AlwaysFailFunction") as spy:
        rt.lambdas.invoke_async("AlwaysFailFunction", {"job": 7})
        assert rt.wait_idle(5)
    assert len(spy.times) == 2  # MaximumRetryAttempts: 1
    assert spy.times[1] - spy.times[0] >= 59  # about a minute between attempts, on the clock
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
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "CustomError" not in out + err  # expected retries are quiet


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


def test_events_older_than_maximum_event_age_go_to_on_failure_destination(rt: LocalRuntime) -> None:
    spec = rt.lambdas.spec("AlwaysFailFunction")
    saved = spec.event_invoke_config
    spec.event_invoke_config = {**saved, "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60}
    try:
        with Spy(rt, "AlwaysFailFunction") as spy:
            rt.lambdas.invoke_async("AlwaysFailFunction", {"old": True})
            assert rt.wait_idle(5)
    finally:
        spec.event_invoke_config = saved
    assert len(spy.events) == 1  # the first retry would be due a minute later: the event is too old by then
    [msg] = drain(rt, "FailureQueue")
    rec = msg["body"]
    assert rec["requestContext"]["condition"] == "EventAgeExceeded"
    assert rec["requestContext"]["approximateInvokeCount"] == 1
    assert rec["requestPayload"] == {"old": True}


def test_retry_back_off_does_not_hold_a_worker() -> None:
    """Many events waiting for their retry (a minute each) must not delay other async invocations."""
    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=10, stack_name="backoff") as slow:
        ran = threading.Event()
        with Spy(slow, "AlwaysFailFunction") as failing:
            for i in range(12):  # more than the worker pool
                slow.lambdas.invoke_async("AlwaysFailFunction", {"i": i})
            deadline = time.monotonic() + 5
            while len(failing.events) < 12 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(failing.events) == 12  # first attempts all ran; retries due in 6 s of real time
            with Spy(slow, "EchoFunction", before=lambda event: ran.set()):
                slow.lambdas.invoke_async("EchoFunction", {"record": False})
                assert ran.wait(1.0), "an async invocation waited for other events' retry back-off"
        t0 = time.monotonic()
    assert time.monotonic() - t0 < 1.0  # stop() drops the pending retries instead of waiting for them
