from __future__ import annotations

from core_helpers import FIXTURE_TEMPLATE

from local_runtime import LocalRuntime


def test_runtime_restarts_clean_and_repeatedly() -> None:
    for _ in range(2):
        with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, parameters={"Stage": "again"}) as rt:
            assert rt.stack.not_emulated == [("Alarm", "AWS::CloudWatch::Alarm")]
            url = rt.physical_id("RecordQueue")
            rt.client("sqs").send_message(QueueUrl=url, MessageBody="x")
            n = rt.client("sqs").get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )
            assert n["Attributes"]["ApproximateNumberOfMessages"] == "1"
            assert rt.invoke("EchoFunction", {"record": False}).payload["role"] == "echo"


def test_provision_inside_callers_mock() -> None:
    from moto import mock_aws

    with mock_aws():
        rt = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, start_mock=False)
        rt.provision()
        try:
            tables = rt.client("dynamodb").list_tables()["TableNames"]
            assert rt.physical_id("Table") in tables
            assert rt.invoke("FailOnceFunction", {}).errored
        finally:
            rt.stop()
        # the caller's mock is still active after rt.stop()
        assert rt.physical_id("Table") in rt.client("dynamodb").list_tables()["TableNames"]


def test_start_imports_every_handler_before_its_first_invocation() -> None:
    import time

    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False) as rt:
        deadline = time.monotonic() + 10
        while set(rt.lambdas._loaded) != set(rt.lambdas.functions) and time.monotonic() < deadline:
            time.sleep(0.02)

        assert set(rt.lambdas._loaded) == set(rt.lambdas.functions)
