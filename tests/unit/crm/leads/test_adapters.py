"""Leads adapters translate DynamoDB's answers into leads errors (stub clients, no AWS)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)
from tandem.crm.leads.adapters.dynamodb import (
    DynamoAcknowledgementQuota,
    DynamoLeadRepository,
    DynamoUnitOfWork,
    issued_lead_cursor,
    lead_item,
    quota_key,
)
from tandem.crm.leads.domain.commands import CaptureLead
from tandem.crm.leads.domain.errors import ConcurrentSubmission
from tandem.crm.leads.domain.model import Lead
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.errors import InvalidPageToken, PersistenceError

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _leads(client) -> DynamoLeadRepository:
    """The leads repository of a unit of work on ``client``."""
    return DynamoUnitOfWork("crm", client).leads


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
    client = FailingClient(
        "TransactionCanceledException", [{"Code": "TransactionConflict"}, {"Code": "None"}, {"Code": "None"}]
    )
    lead = Lead.capture(
        CaptureLead(name="Ada", email="ada@example.com", message="Hi", consent=True), lead_id=uuid4(), now=NOW
    )
    with pytest.raises(ConcurrentSubmission), DynamoUnitOfWork("crm", client) as uow:
        uow.leads.add(lead)
        uow.commit()


@pytest.mark.parametrize("call", [lambda r: r.get(uuid4()), lambda r: r.list_newest(limit=5, cursor=None)])
def test_throttled_reads_are_persistence_errors(call):
    with pytest.raises(PersistenceError):
        call(_leads(FailingClient("ProvisionedThroughputExceededException")))


def test_the_quota_is_one_conditional_update_keyed_on_the_hashed_lowercased_address():
    client = FailingClient("ConditionalCheckFailedException")
    quota = DynamoAcknowledgementQuota("crm", client)

    assert quota.take("Ada@Example.com", date(2026, 11, 27), limit=3) is False

    [request] = client.requests
    assert request["Key"] == {
        "PK": {"S": quota_key("ada@example.com", date(2026, 11, 27))["PK"]},
        "SK": {"S": "2026-11-27"},
    }
    assert "ada" not in request["Key"]["PK"]["S"]
    assert request["ConditionExpression"] == "attribute_not_exists(n) OR n < :limit"
    assert request["ExpressionAttributeValues"][":limit"] == {"N": "3"}
    assert request["ExpressionAttributeValues"][":expires"] == {
        "N": str(int(datetime(2026, 11, 29, tzinfo=UTC).timestamp()))
    }


def test_quota_storage_errors_propagate_so_the_event_is_retried():
    with pytest.raises(PersistenceError):
        DynamoAcknowledgementQuota("crm", FailingClient("ThrottlingException")).take(
            "ada@example.com", date(2026, 11, 27), limit=3
        )


class RaisingClient(FailingClient):
    """Raises the given exception (a botocore transport error) from every call."""

    def __init__(self, error: Exception) -> None:
        super().__init__("unused")
        self.error = error

    def _fail(self, operation: str, **request):
        self.requests.append(request)
        raise self.error


READS = [lambda r: r.get(uuid4()), lambda r: r.list_newest(limit=5, cursor=None)]


@pytest.mark.parametrize("call", READS)
@pytest.mark.parametrize(
    "code", ["ThrottlingException", "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable"]
)
def test_transient_read_errors_are_persistence_errors(call, code):
    with pytest.raises(PersistenceError):
        call(_leads(FailingClient(code)))


@pytest.mark.parametrize("call", READS)
@pytest.mark.parametrize("code", ["ValidationException", "AccessDeniedException", "ResourceNotFoundException"])
def test_bugs_and_misconfiguration_are_not_persistence_errors_so_nobody_retries_them(call, code):
    with pytest.raises(ClientError) as raised:
        call(_leads(FailingClient(code)))
    assert raised.value.response["Error"]["Code"] == code


@pytest.mark.parametrize("call", READS)
@pytest.mark.parametrize(
    "error",
    [
        ReadTimeoutError(endpoint_url="https://dynamodb"),
        ConnectTimeoutError(endpoint_url="https://dynamodb"),
        EndpointConnectionError(endpoint_url="https://dynamodb"),
    ],
)
def test_network_timeouts_are_persistence_errors(call, error):
    with pytest.raises(PersistenceError):
        call(_leads(RaisingClient(error)))


def test_a_client_side_parameter_bug_is_not_a_persistence_error():
    with pytest.raises(ParamValidationError):
        _leads(RaisingClient(ParamValidationError(report="bad"))).get(uuid4())


def _lead() -> Lead:
    return Lead.capture(
        CaptureLead(name="Ada", email="ada@example.com", message="Hi", consent=True), lead_id=uuid4(), now=NOW
    )


@pytest.mark.parametrize(
    "client, expected",
    [
        (FailingClient("ProvisionedThroughputExceededException"), PersistenceError),
        (
            FailingClient("TransactionCanceledException", [{"Code": "ThrottlingError"}, {"Code": "None"}]),
            PersistenceError,
        ),
        (RaisingClient(ReadTimeoutError(endpoint_url="https://dynamodb")), PersistenceError),
        (FailingClient("ValidationException"), ClientError),
        (FailingClient("AccessDeniedException"), ClientError),
        (FailingClient("TransactionCanceledException", [{"Code": "ValidationError"}, {"Code": "None"}]), ClientError),
    ],
)
def test_the_capture_commit_maps_only_transient_failures_to_persistence_errors(client, expected):
    with pytest.raises(expected) as raised, DynamoUnitOfWork("crm", client) as uow:
        uow.leads.add(_lead())
        uow.commit()
    assert expected is PersistenceError or not isinstance(raised.value, PersistenceError)


@pytest.mark.parametrize(
    "client, expected",
    [
        (FailingClient("ThrottlingException"), PersistenceError),
        (RaisingClient(ConnectTimeoutError(endpoint_url="https://dynamodb")), PersistenceError),
        (FailingClient("AccessDeniedException"), ClientError),
    ],
)
def test_quota_errors_are_mapped_the_same_way(client, expected):
    with pytest.raises(expected):
        DynamoAcknowledgementQuota("crm", client).take("ada@example.com", date(2026, 11, 27), limit=3)


def test_plus_tags_share_one_quota_key_dots_do_not():
    day = date(2026, 11, 27)
    assert quota_key("Victim+1@Example.com", day) == quota_key("victim@example.com", day)
    assert quota_key("victim+2@example.com", day) == quota_key("victim@example.com", day)
    assert quota_key("vic.tim@example.com", day) != quota_key("victim@example.com", day)


def _token(plain: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def test_a_cursor_we_issued_round_trips():
    lead = _lead()
    item = lead_item(lead)
    key = {k: {"S": item[k]} for k in ("PK", "SK", "GSI1PK", "GSI1SK")}
    assert decode_cursor(encode_cursor(key), issued_lead_cursor) == key


LEAD_ID = "3f2b8f0e-8a4c-4d2e-9a7e-1c2d3e4f5a6b"
ISSUED = {
    "PK": f"LEAD#{LEAD_ID}",
    "SK": "LEAD",
    "GSI1PK": "LEAD",
    "GSI1SK": f"2026-11-27T12:00:00.000000+00:00#{LEAD_ID}",
}


@pytest.mark.parametrize(
    "forged",
    [
        {**ISSUED, "GSI1SK": ""},
        {**ISSUED, "PK": "LEAD#"},
        {**ISSUED, "PK": "LEAD#not-a-uuid"},
        {**ISSUED, "GSI1SK": f"#{LEAD_ID}"},
        {**ISSUED, "GSI1SK": f"yesterday#{LEAD_ID}"},
        {**ISSUED, "GSI1SK": f"2026-11-27T12:00:00#{LEAD_ID}"},
        {**ISSUED, "GSI1SK": "2026-11-27T12:00:00.000000+00:00#" + str(uuid4())},
        {**ISSUED, "PK": f"LEAD#{LEAD_ID.upper()}", "GSI1SK": f"2026-11-27T12:00:00.000000+00:00#{LEAD_ID.upper()}"},
    ],
)
def test_a_cursor_we_did_not_issue_is_an_invalid_page_token(forged):
    assert decode_cursor(_token(ISSUED), issued_lead_cursor) == {k: {"S": v} for k, v in ISSUED.items()}
    with pytest.raises(InvalidPageToken):
        decode_cursor(_token(forged), issued_lead_cursor)


def test_a_forged_cursor_never_reaches_dynamodb():
    client = FailingClient("ValidationException")
    with pytest.raises(InvalidPageToken):
        _leads(client).list_newest(limit=5, cursor=_token({**ISSUED, "GSI1SK": ""}))
    assert client.requests == []
