from __future__ import annotations

import threading

from core_helpers import FIXTURE_TEMPLATE
from local_runtime.atomic import CLIENT_LOCK, GATE

from local_runtime import LocalRuntime


def test_conditional_decrements_are_atomic_across_threads() -> None:
    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False) as rt:
        ddb = rt.client("dynamodb")
        table = rt.physical_id("Table")
        key = {"PK": {"S": "counter"}, "SK": {"S": "c"}}
        ddb.put_item(TableName=table, Item={**key, "n": {"N": "10"}})
        ok, failed = [], []
        start = threading.Barrier(40)

        def worker() -> None:
            start.wait()
            try:
                ddb.update_item(
                    TableName=table,
                    Key=key,
                    UpdateExpression="SET n = n - :one",
                    ConditionExpression="n > :zero",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}},
                )
                ok.append(1)
            except ddb.exceptions.ConditionalCheckFailedException:
                failed.append(1)

        threads = [threading.Thread(target=worker) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(ok) == 10 and len(failed) == 30
        assert ddb.get_item(TableName=table, Key=key)["Item"]["n"] == {"N": "0"}


def test_gate_is_reentrant_and_released_around_handlers() -> None:
    assert not GATE.owned()
    with GATE:
        with GATE:
            assert GATE.owned()
        with GATE.released():
            assert not GATE.owned()
            other = threading.Thread(target=lambda: (GATE.acquire(), GATE.release()))
            other.start()
            other.join(2)
            assert not other.is_alive()  # another thread could take the lock meanwhile
        assert GATE.owned()
    assert not GATE.owned()


def test_client_creation_is_serialised_across_threads(rt: LocalRuntime) -> None:
    """botocore's Session.create_client is not thread-safe; handlers create clients lazily, concurrently."""
    import boto3
    import botocore.session

    assert hasattr(botocore.session.Session.create_client, "__wrapped__")
    session = boto3.session.Session(region_name=rt.region)
    done = threading.Event()
    with CLIENT_LOCK:
        t = threading.Thread(target=lambda: (session.client("sqs"), done.set()))
        t.start()
        assert not done.wait(0.2)  # waits for the lock
    assert done.wait(5)
    clients: list = []
    start = threading.Barrier(16)

    def create() -> None:
        start.wait()
        clients.append(session.client("dynamodb"))

    threads = [threading.Thread(target=create) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(clients) == 16
    assert clients[0].list_tables()["TableNames"]
