"""The outbox unit of work: one TransactWriteItems, nothing without commit, our own errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError, ParamValidationError, ReadTimeoutError
from tandem.crm.leads.domain.events import LeadCaptured
from tandem.shared.aws.outbox import (
    ConditionFailed,
    OutboxUnitOfWork,
    PersistenceError,
    TransactionConflict,
    outbox_entry,
    outbox_item,
)
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class FakeDynamoDB:
    def __init__(self, error: Exception | None = None) -> None:
        self.transactions: list[list[dict]] = []
        self.error = error

    def transact_write_items(self, TransactItems: list[dict]) -> dict:  # noqa: N803 - boto3's name
        self.transactions.append(TransactItems)
        if self.error:
            raise self.error
        return {}


def _cancelled(*codes: str, item: dict | None = None) -> ClientError:
    def reason(code: str) -> dict:
        return {"Code": code, **({"Item": item} if item and code == "ConditionalCheckFailed" else {})}

    reasons = [reason(c) for c in codes]
    return ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": reasons},
        "TransactWriteItems",
    )


def _envelope() -> Envelope:
    event = LeadCaptured(lead_id=uuid4(), name="Ada", email="a@example.com", consent=True, captured_at=NOW)
    return Envelope.wrap(event, MessageContext("c", "r"), occurred_at=NOW)


def _uow(client: FakeDynamoDB) -> OutboxUnitOfWork:
    return OutboxUnitOfWork("crm", client, clock=lambda: NOW)  # type: ignore[arg-type]


def test_state_and_outbox_items_go_in_one_transaction():
    client = FakeDynamoDB()
    envelope = _envelope()
    with _uow(client) as uow:
        uow.put({"PK": "A", "SK": "A", "type": "thing"}, label="thing")
        uow.record(envelope)
        uow.commit()

    [transaction] = client.transactions
    outbox = transaction[1]["Put"]["Item"]
    assert outbox["PK"] == {"S": f"OUTBOX#{envelope.metadata.event_id}"}
    assert outbox["type"] == {"S": "outbox"} and outbox["detail_type"] == {"S": "LeadCaptured"}
    assert json.loads(outbox["detail"]["S"])["metadata"]["event_id"] == str(envelope.metadata.event_id)


def test_an_outbox_item_is_pending_until_published_and_never_expires():
    client = FakeDynamoDB()
    envelope = _envelope()
    with _uow(client) as uow:
        uow.record(envelope)
        uow.commit()

    outbox = client.transactions[0][0]["Put"]["Item"]
    assert "expires_at" not in outbox  # TTL must not delete what has not been published
    assert outbox["GSI1PK"] == {"S": "OUTBOX#PENDING"}
    assert outbox["occurred_at"] == outbox["GSI1SK"] == {"S": "2026-11-27T12:00:00.000000+00:00"}


def test_the_entry_of_an_outbox_item_carries_the_time_the_event_occurred():
    envelope = _envelope()
    entry = outbox_entry(outbox_item(envelope), "bus")

    assert entry == {
        "Source": "tandem.crm",
        "DetailType": "LeadCaptured",
        "Detail": envelope.to_json(),
        "EventBusName": "bus",
        "Time": NOW,
    }
    assert NOW == envelope.metadata.occurred_at


def test_an_item_written_before_occurred_at_was_stored_takes_it_from_its_envelope():
    item = outbox_item(_envelope())
    del item["occurred_at"]
    assert outbox_entry(item, "bus")["Time"] == NOW
    assert "Time" not in outbox_entry({**item, "detail": "{not json"}, "bus")  # PutEvents rejects it anyway


def test_nothing_is_written_without_commit():
    client = FakeDynamoDB()
    with _uow(client) as uow:
        uow.put({"PK": "A", "SK": "A"}, label="thing")
        uow.record(_envelope())
    assert client.transactions == []


def test_the_failed_condition_is_named_with_the_old_item():
    client = FakeDynamoDB(_cancelled("None", "ConditionalCheckFailed", item={"lead_id": {"S": "L1"}}))
    with _uow(client) as uow:
        uow.put({"PK": "A", "SK": "A"}, label="first")
        uow.put({"PK": "B", "SK": "B"}, label="second", condition="attribute_not_exists(PK)", return_old=True)
        with pytest.raises(ConditionFailed) as failed:
            uow.commit()
    assert failed.value.label == "second"
    assert failed.value.old_item == {"lead_id": "L1"}
    assert client.transactions[0][1]["Put"]["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


def test_conflicts_and_other_failures_are_translated():
    for error, expected in [
        (_cancelled("TransactionConflict"), TransactionConflict),
        (_cancelled("ThrottlingError"), PersistenceError),
        (ClientError({"Error": {"Code": "ThrottlingException"}}, "TransactWriteItems"), PersistenceError),
        # bugs and misconfiguration are not "retry later": they stay ClientErrors (a 500)
        (ClientError({"Error": {"Code": "ValidationException"}}, "TransactWriteItems"), ClientError),
        (_cancelled("ValidationError"), ClientError),
        # the network: a timeout or a dropped connection is worth retrying later
        (ReadTimeoutError(endpoint_url="https://dynamodb"), PersistenceError),
        (ParamValidationError(report="bad"), ParamValidationError),
    ]:
        with _uow(FakeDynamoDB(error)) as uow:
            uow.put({"PK": "A", "SK": "A"}, label="x")
            with pytest.raises(expected):
                uow.commit()


def test_a_transaction_holds_at_most_one_hundred_items():
    with _uow(FakeDynamoDB()) as uow:
        for n in range(100):
            uow.put({"PK": str(n), "SK": "X"}, label=str(n))
        with pytest.raises(ValueError):
            uow.put({"PK": "101", "SK": "X"}, label="too many")


def test_floats_never_reach_the_table():
    with _uow(FakeDynamoDB()) as uow, pytest.raises(TypeError):
        uow.put({"PK": "A", "SK": "A", "price": 0.1}, label="x")
