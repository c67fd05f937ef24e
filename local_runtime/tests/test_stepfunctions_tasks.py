"""Task timeouts and heartbeats of ``.waitForTaskToken`` tasks run on the runtime clock (1000x here).

HoldFlow: a ``lambda:invoke.waitForTaskToken`` task (WorkFunction parks the token in the table) with
``TimeoutSecondsPath``/``HeartbeatSecondsPath`` and Catch on States.HeartbeatTimeout, States.Timeout and
CustomError.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from core_helpers import Spy

from local_runtime import LocalRuntime


def start(rt: LocalRuntime, **inp: Any) -> tuple[str, str]:
    name = f"hold-{uuid.uuid4().hex[:8]}"
    inp.setdefault("heartbeat_seconds", 36000)
    arn = rt.client("stepfunctions").start_execution(
        stateMachineArn=rt.physical_id("HoldFlow"), name=name, input=json.dumps(inp)
    )["executionArn"]
    return name, arn


def token_of(rt: LocalRuntime, name: str, timeout: float = 5) -> str:
    ddb = rt.client("dynamodb")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = ddb.get_item(
            TableName=rt.physical_id("Table"), Key={"PK": {"S": f"TOKEN#{name}"}, "SK": {"S": "TOKEN"}}
        ).get("Item")
        if item:
            return item["token"]["S"]
        time.sleep(0.005)
    raise AssertionError("the task never handed out its token")


def finish(rt: LocalRuntime, arn: str, timeout: float = 10) -> dict[str, Any]:
    sfn = rt.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] != "RUNNING":
            assert d["status"] == "SUCCEEDED", d
            return json.loads(d["output"])
        time.sleep(0.01)
    raise AssertionError("execution did not finish")


def test_timeout_seconds_path_times_out_on_the_clock(rt: LocalRuntime) -> None:
    t0 = time.monotonic()
    _, arn = start(rt, timeout_seconds=900)
    out = finish(rt, arn)
    elapsed = time.monotonic() - t0
    assert out["outcome"] == "timed_out" and out["failure"]["Error"] == "States.Timeout"
    assert 0.85 <= elapsed < 5, elapsed  # 900 virtual seconds = 0.9 s at 1000x


def test_send_task_success_before_the_timeout_resumes(rt: LocalRuntime) -> None:
    name, arn = start(rt, timeout_seconds=3600)
    rt.client("stepfunctions").send_task_success(taskToken=token_of(rt, name), output=json.dumps({"ok": 1}))
    out = finish(rt, arn)
    assert out["outcome"] == "answered" and out["answer"] == {"ok": 1}


def test_send_task_failure_with_a_custom_error_is_caught_by_name(rt: LocalRuntime) -> None:
    name, arn = start(rt, timeout_seconds=3600)
    rt.client("stepfunctions").send_task_failure(taskToken=token_of(rt, name), error="CustomError", cause="no")
    out = finish(rt, arn)
    assert out["outcome"] == "refused" and out["failure"] == {"Error": "CustomError", "Cause": "no"}


def test_the_handlers_own_error_is_caught_by_class_name(rt: LocalRuntime) -> None:
    _, arn = start(rt, timeout_seconds=3600, fail=True)
    out = finish(rt, arn)
    assert out["outcome"] == "refused" and out["failure"]["Error"] == "CustomError"
    assert json.loads(out["failure"]["Cause"])["errorType"] == "CustomError"


def test_missing_heartbeat_times_out_on_the_clock(rt: LocalRuntime) -> None:
    """60 s without a heartbeat: 0.06 s (the 36000 s timeout would take 36 s). moto names a heartbeat
    timeout ``States.Timeout``, so the ``States.HeartbeatTimeout`` catcher does not match locally."""
    t0 = time.monotonic()
    _, arn = start(rt, timeout_seconds=36000, heartbeat_seconds=60)
    out = finish(rt, arn)
    assert out["outcome"] == "timed_out" and out["failure"]["Error"] == "States.Timeout"
    assert time.monotonic() - t0 < 5


def test_heartbeats_keep_the_task_alive(rt: LocalRuntime) -> None:
    name, arn = start(rt, timeout_seconds=36000, heartbeat_seconds=300)  # 0.3 s between heartbeats
    sfn = rt.client("stepfunctions")
    token = token_of(rt, name)
    until = time.monotonic() + 1.0
    while time.monotonic() < until:
        sfn.send_task_heartbeat(taskToken=token)
        time.sleep(0.05)
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token, output="{}")
    assert finish(rt, arn)["outcome"] == "answered"


def test_time_spent_in_the_handler_does_not_count_against_the_timeout(rt: LocalRuntime) -> None:
    """Handlers run in real time: a 1 s handler under a 300 s (0.3 s) timeout has not timed out."""

    def slow(event: Any) -> None:
        if event.get("action") == "hold":
            time.sleep(1.0)

    with Spy(rt, "WorkFunction", before=slow):
        name, arn = start(rt, timeout_seconds=300)
        token = token_of(rt, name)
        rt.client("stepfunctions").send_task_success(taskToken=token, output=json.dumps({"late": False}))
        out = finish(rt, arn)
    assert out["outcome"] == "answered", out


def test_an_execution_parked_on_its_task_token_leaves_the_runtime_idle(rt: LocalRuntime) -> None:
    """Waiting for an approval that may come in days is not work in flight: wait_idle settles (a test or a
    tool waiting for the runtime would hang otherwise), and the execution still runs on when answered."""
    name, arn = start(rt, timeout_seconds=36000)
    token = token_of(rt, name)
    assert rt.wait_idle(5)
    sfn = rt.client("stepfunctions")
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token, output=json.dumps({"ok": 2}))
    assert finish(rt, arn)["answer"] == {"ok": 2}
