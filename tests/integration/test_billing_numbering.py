"""Gapless numbering under contention: 50 invoices issued at the same moment get 1..50, no gap, no repeat."""

from __future__ import annotations

import copy
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models import DynamoDBBackend

from .conftest import LambdaContext

FN = "BillingFulfillmentFunction"
ISSUERS = 50


@pytest.fixture
def serialized_moto(monkeypatch):
    """One AWS call at a time, like DynamoDB itself: moto's backends are not thread-safe (two threads'
    transactions could both pass a condition). Transactions back up items, not whole tables (the local
    runtime's implementation, same semantics), so 50 racing issuers stay fast."""
    from local_runtime import dynamodb_transactions

    lock = threading.RLock()
    original = BotocoreStubber.process_request

    def process_request(self, request):
        with lock:
            return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", process_request)
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", dynamodb_transactions.transact_write_items)


def test_fifty_concurrent_issuers_get_numbers_one_to_fifty_without_gap_or_repeat(
    stack, sample, serialized_moto, monkeypatch
):
    for key, value in stack.environment(FN).items():
        monkeypatch.setenv(key, value)
    handler = stack.module(FN).lambda_handler
    template = sample("billing_fulfillment/issue_invoice")
    events = []
    for _ in range(ISSUERS):
        event = copy.deepcopy(template)
        event["order"]["order_id"] = str(uuid.uuid4())
        events.append(event)
    from tandem.shared.aws import bootstrap

    bootstrap.client("dynamodb"), bootstrap.client("s3")  # built once, before the race
    start = threading.Barrier(ISSUERS)

    def issue(event):
        start.wait()
        return handler(event, LambdaContext())

    with ThreadPoolExecutor(max_workers=ISSUERS) as pool:
        results = list(pool.map(issue, events))

    sequences = sorted(int(r["number"].rsplit("-", 1)[1]) for r in results)
    assert sequences == list(range(1, ISSUERS + 1))
    invoices = [i for i in stack.items("BillingTable") if i.get("type") == "invoice"]
    assert sorted(int(i["number"].rsplit("-", 1)[1]) for i in invoices) == sequences
    [counter] = [i for i in stack.items("BillingTable") if i.get("type") == "counter"]
    assert counter["last"] == ISSUERS
    assert len({i["order_id"] for i in invoices}) == ISSUERS
