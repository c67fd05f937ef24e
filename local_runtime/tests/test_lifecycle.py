from __future__ import annotations

from core_helpers import FIXTURE_TEMPLATE, Spy, drain

from local_runtime import LocalRuntime


def test_runtime_restarts_clean_and_repeatedly() -> None:
    for _ in range(2):
        with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, parameters={"Stage": "again"}) as rt:
            assert rt.stack.not_emulated == [("Alarm", "AWS::CloudWatch::Alarm")]
            url = rt.physical_id("RecordQueue")
            rt.client("sqs").send_message(QueueUrl=url, MessageBody="x")
            n = rt.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
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
        while rt.lambdas.imported() != set(rt.lambdas.functions) and time.monotonic() < deadline:
            time.sleep(0.02)

        assert rt.lambdas.imported() == set(rt.lambdas.functions)


def test_stop_ends_pending_retries_so_nothing_reaches_the_next_runtime() -> None:
    import time

    first = LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=200)  # a retry after 0.3 s
    first.provision()
    with Spy(first, "AlwaysFailFunction") as spy:
        first.lambdas.invoke_async("AlwaysFailFunction", {"late": True})
        deadline = time.monotonic() + 5
        while not spy.events and time.monotonic() < deadline:
            time.sleep(0.01)
        first.stop()  # while the event waits for its retry
        with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False, clock_speed=200) as second:
            time.sleep(0.6)  # past the retry's due time
            assert len(spy.events) == 1  # no retry after stop...
            assert drain(second, "FailureQueue", expect=1, timeout=0.3) == []  # ...nor its failure record
