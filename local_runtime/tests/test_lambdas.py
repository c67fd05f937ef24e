from __future__ import annotations

import json
import os
import threading
import time

from core_helpers import Spy, drain
from local_runtime.environ import overlay

from local_runtime import LocalRuntime


def test_invoke_runs_handler_in_process_with_its_env_layer_and_context(rt: LocalRuntime) -> None:
    result = rt.invoke("EchoFunction", {"a": 1, "record": False})
    assert not result.errored
    p = result.payload
    assert p["event"] == {"a": 1, "record": False}
    assert p["role"] == "echo" and p["import_role"] == "echo"  # module imported under its env too
    assert p["function_name"] == rt.physical_id("EchoFunction")
    assert p["layer"] == "layer-v1"
    assert p["request_id"] == result.request_id
    assert 'echo {"a": 1, "record": false}' in result.logs
    assert "FUNCTION_ROLE" not in os.environ  # the process environment is untouched
    # by name and by ARN too
    assert rt.invoke(rt.physical_id("EchoFunction"), {"record": False}).payload["role"] == "echo"
    assert rt.invoke(rt.lambdas.spec("EchoFunction").arn, {"record": False}).payload["role"] == "echo"


def test_context_object(rt: LocalRuntime) -> None:
    spec = rt.lambdas.spec("EchoFunction")
    seen = {}

    module = rt.lambdas.module_for("EchoFunction")
    original = module.lambda_handler

    def spy(event, context):
        seen.update(vars(context))
        seen["remaining"] = context.get_remaining_time_in_millis()
        return {}

    module.lambda_handler = spy
    try:
        rt.invoke("EchoFunction", {})
    finally:
        module.lambda_handler = original
    assert seen["function_name"] == spec.name and seen["function_version"] == "$LATEST"
    assert seen["invoked_function_arn"] == spec.arn and seen["memory_limit_in_mb"] == 256
    assert seen["log_group_name"] == f"/aws/lambda/{spec.name}" and "[$LATEST]" in seen["log_stream_name"]
    assert 0 < seen["remaining"] <= 5000


def test_handler_error_has_lambda_error_shape(rt: LocalRuntime) -> None:
    result = rt.invoke("AlwaysFailFunction", {"x": 1})
    assert result.errored
    assert result.payload["errorType"] == "CustomError"
    assert result.payload["errorMessage"] == "always fails: {'x': 1}"
    assert isinstance(result.payload["stackTrace"], list) and result.payload["stackTrace"]


def test_boto3_invoke_goes_through_moto_to_the_handler(rt: LocalRuntime) -> None:
    lam = rt.client("lambda")
    out = lam.invoke(FunctionName=rt.physical_id("EchoFunction"), Payload=json.dumps({"record": False, "b": 2}))
    assert json.loads(out["Payload"].read())["event"]["b"] == 2
    err = lam.invoke(FunctionName=rt.physical_id("AlwaysFailFunction"), Payload=b"{}")
    assert err["FunctionError"] == "Unhandled"
    assert json.loads(err["Payload"].read())["errorType"] == "CustomError"


def test_boto3_event_invocation_is_async(rt: LocalRuntime) -> None:
    lam = rt.client("lambda")
    out = lam.invoke(
        FunctionName=rt.physical_id("EchoFunction"), InvocationType="Event", Payload=json.dumps({"async": 1})
    )
    assert out["StatusCode"] == 202
    assert rt.wait_idle(5)
    msgs = drain(rt, "RecordQueue")
    assert [m["body"]["event"] for m in msgs] == [{"async": 1}]


def test_environment_is_per_function_across_threads(rt: LocalRuntime) -> None:
    """Two functions running at the same time on threads each see their own variables."""
    seen: dict[str, list[str]] = {"a": [], "b": []}
    barrier = threading.Barrier(2)

    def run(var_value: str, key: str) -> None:
        with overlay({"WHO": var_value}):
            barrier.wait()
            for _ in range(200):
                seen[key].append(os.environ["WHO"])
                os.environ["SCRATCH"] = var_value
                seen[key].append(os.environ["SCRATCH"])
                time.sleep(0)

    threads = [threading.Thread(target=run, args=("A", "a")), threading.Thread(target=run, args=("B", "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen["a"]) == {"A"} and set(seen["b"]) == {"B"}
    assert "SCRATCH" not in os.environ and "WHO" not in os.environ

    # and real handlers concurrently
    results = {}

    def call(name: str) -> None:
        results[name] = rt.invoke(name, {"record": False})

    ts = [threading.Thread(target=call, args=(n,)) for n in ("EchoFunction", "StreamFunction")]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results["EchoFunction"].payload["role"] == "echo"


def test_lock_is_released_while_a_handler_runs(rt: LocalRuntime) -> None:
    """A handler invoked through boto3 (inside moto's dispatch) must not block other threads' AWS calls."""
    module = rt.lambdas.module_for("EchoFunction")
    original = module.lambda_handler
    release = threading.Event()
    entered = threading.Event()

    def slow(event, context):
        entered.set()
        assert release.wait(5), "other thread's AWS call was blocked by this handler"
        return {"slow": True}

    module.lambda_handler = slow
    out: dict = {}
    try:
        t = threading.Thread(
            target=lambda: out.update(
                r=rt.client("lambda").invoke(FunctionName=rt.physical_id("EchoFunction"), Payload=b"{}")
            )
        )
        t.start()
        assert entered.wait(5)
        rt.client("dynamodb").put_item(
            TableName=rt.physical_id("Table"), Item={"PK": {"S": "while"}, "SK": {"S": "running"}}
        )
        release.set()
        t.join(5)
    finally:
        module.lambda_handler = original
    assert json.loads(out["r"]["Payload"].read()) == {"slow": True}


def test_invocation_past_the_timeout_is_a_timeout_error(rt: LocalRuntime) -> None:
    spec = rt.lambdas.spec("EchoFunction")
    saved = spec.timeout
    spec.timeout = 0.05
    try:
        with Spy(rt, "EchoFunction", before=lambda event: time.sleep(0.1)) as spy:
            result = rt.invoke("EchoFunction", {"record": False})
    finally:
        spec.timeout = saved
    assert {"record": False} in spy.events  # the handler ran (a thread cannot be stopped)...
    assert result.errored  # ...but its result is Lambda's timeout error
    assert result.payload == {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 0.05 seconds"}
    assert f"{result.request_id} Task timed out after 0.05 seconds" in result.logs
    assert not rt.invoke("EchoFunction", {"record": False}).errored  # within the timeout


def test_invoking_a_function_the_runtime_does_not_run_is_an_error(rt: LocalRuntime) -> None:
    import io
    import zipfile

    role = rt.client("iam").create_role(RoleName="probe-stranger", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    lam = rt.client("lambda")
    lam.create_function(
        FunctionName="probe-stranger",
        Runtime="python3.13",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
    )
    out = lam.invoke(FunctionName="probe-stranger", Payload=json.dumps({"echo": "me"}))
    assert out["FunctionError"] == "Unhandled"
    payload = json.loads(out["Payload"].read())
    assert payload["errorType"] == "ResourceNotFoundException" and "probe-stranger" in payload["errorMessage"]
