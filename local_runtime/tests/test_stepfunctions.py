from __future__ import annotations

import json
import time

from core_helpers import drain

from local_runtime import LocalRuntime

START_RUNTIME = False  # provisioned only: no pollers, no schedule clock


def wait_done(rt: LocalRuntime, arn: str, timeout: float = 10) -> dict:
    sfn = rt.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] != "RUNNING":
            return d
        time.sleep(0.02)
    raise AssertionError("execution did not finish")


def test_retry_wait_and_catch_on_custom_error_names(rt: LocalRuntime) -> None:
    """FlakyError retried (30 s back-off), a 60 s Wait, CustomError caught: fast on a 1000x clock."""
    sfn = rt.client("stepfunctions")
    t0 = time.monotonic()
    arn = sfn.start_execution(stateMachineArn=rt.physical_id("Flow"), name="run-1", input=json.dumps({"n": 1}))[
        "executionArn"
    ]
    d = wait_done(rt, arn)
    elapsed = time.monotonic() - t0
    assert d["status"] == "SUCCEEDED", d
    out = json.loads(d["output"])
    assert out["ok"] is True and out["attempt"] == 2 and out["input"] == {"n": 1}
    assert out["caught"]["Error"] == "CustomError"
    assert json.loads(out["caught"]["Cause"])["errorType"] == "CustomError"
    assert elapsed < 5  # 90 s of virtual waiting
    assert elapsed >= 0.08  # ...that did happen on the clock
    history = sfn.get_execution_history(executionArn=arn)["events"]
    assert any(e["type"] == "WaitStateEntered" for e in history)
    assert rt.wait_idle(5)


def test_wait_for_task_token_and_send_task_success(rt: LocalRuntime) -> None:
    sfn = rt.client("stepfunctions")
    arn = sfn.start_execution(
        stateMachineArn=rt.physical_id("TokenFlow"), name="token-1", input=json.dumps({"ask": "me"})
    )["executionArn"]
    msgs = drain(rt, "WorkQueue")
    assert len(msgs) == 1 and msgs[0]["body"]["input"] == {"ask": "me"}
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    assert rt.wait_idle(1)  # parked on its token, it waits for someone outside: nothing is in flight
    sfn.send_task_success(taskToken=msgs[0]["body"]["token"], output=json.dumps({"answer": 42}))
    d = wait_done(rt, arn)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"answer": 42}


def test_the_console_names_the_state_machine_and_state_behind_a_lambda_task(rt: LocalRuntime) -> None:
    """The task's payload is any JSON: the line names its caller, read from moto's interpreter (guards a moto
    upgrade: without it the line would say ``invoke``)."""
    from local_runtime import console, lambda_logs

    assert rt.lambdas is not None
    written: list[str] = []
    rt.lambdas.console.write = written.append
    console.configure("pretty")
    try:
        sfn = rt.client("stepfunctions")
        arn = sfn.start_execution(stateMachineArn=rt.physical_id("Flow"), name="console-1", input="{}")
        assert wait_done(rt, arn["executionArn"])["status"] == "SUCCEEDED"
    finally:
        console.configure("json")
        rt.lambdas.console.write = lambda_logs.write_console
    name = rt.physical_id("Flow").rsplit(":", 1)[-1]
    assert any(f"state machine {name} / Flaky " in line for line in written), written
    boom = next(line for line in written if f"state machine {name} / Boom " in line)
    assert "ERROR CustomError" in boom
