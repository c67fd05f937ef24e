"""CRM adapters translate DynamoDB's answers into CRM errors (stub clients, no AWS)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError
from tandem.crm.adapters.ack_quota import DynamoAcknowledgementQuota, quota_key
from tandem.crm.adapters.dynamodb import CrmUnitOfWork, DynamoLeadRepository
from tandem.crm.domain.commands import CaptureLead
from tandem.crm.domain.errors import ConcurrentSubmission
from tandem.crm.domain.model import Lead
from tandem.shared.errors import PersistenceError

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class FailingClient:
    """Raises the given DynamoDB error from every call and remembers the requests."""

    def __init__(self, code: str, reasons: list[dict] | None = None) -> None:
        self.code, self.reasons, self.requests = code, reasons, []

    def _fail(self, operation: str, **request):
        self.requests.append(request)
        response = {"Error": {"Code": self.code, "Message": "x"}}
        if self.reasons is not None:
            response["CancellationReasons"] = self.reasons
        raise ClientError(response, operation)

    def transact_write_items(self, **request):
        self._fail("TransactWriteItems", **request)

    def update_item(self, **request):
        self._fail("UpdateItem", **request)

    def get_item(self, **request):
        self._fail("GetItem", **request)

    def query(self, **request):
        self._fail("Query", **request)


def test_a_transaction_conflict_on_the_lead_is_a_concurrent_submission():
    client = FailingClient("TransactionCanceledException",
                           [{"Code": "TransactionConflict"}, {"Code": "None"}, {"Code": "None"}])
    lead = Lead.capture(CaptureLead(name="Ada", email="ada@example.com", message="Hi", consent=True),
                        lead_id=uuid4(), now=NOW)
    with pytest.raises(ConcurrentSubmission), CrmUnitOfWork("crm", client) as uow:
        uow.add_lead(lead, dedup_until=NOW, now=NOW)
        uow.commit()


@pytest.mark.parametrize("call", [lambda r: r.get(uuid4()), lambda r: r.list_newest(limit=5, cursor=None)])
def test_throttled_reads_are_persistence_errors(call):
    with pytest.raises(PersistenceError):
        call(DynamoLeadRepository("crm", FailingClient("ProvisionedThroughputExceededException")))


def test_the_quota_is_one_conditional_update_keyed_on_the_hashed_lowercased_address():
    client = FailingClient("ConditionalCheckFailedException")
    quota = DynamoAcknowledgementQuota("crm", client)

    assert quota.take("Ada@Example.com", date(2026, 11, 27), limit=3) is False

    [request] = client.requests
    assert request["Key"] == {"PK": {"S": quota_key("ada@example.com", date(2026, 11, 27))["PK"]},
                              "SK": {"S": "2026-11-27"}}
    assert "ada" not in request["Key"]["PK"]["S"]
    assert request["ConditionExpression"] == "attribute_not_exists(n) OR n < :limit"
    assert request["ExpressionAttributeValues"][":limit"] == {"N": "3"}
    assert request["ExpressionAttributeValues"][":expires"] == {
        "N": str(int(datetime(2026, 11, 29, tzinfo=UTC).timestamp()))}


def test_quota_storage_errors_propagate_so_the_event_is_retried():
    with pytest.raises(PersistenceError):
        DynamoAcknowledgementQuota("crm", FailingClient("ThrottlingException")).take(
            "ada@example.com", date(2026, 11, 27), limit=3)
