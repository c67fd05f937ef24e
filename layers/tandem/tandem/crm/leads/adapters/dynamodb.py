"""Leads on the CRM table: lead items, the dedup claim, newest-first listing and the acknowledgement quota.

Access patterns (single table, ``CrmTable``, shared with the customers context):
* lead by id:            PK=LEAD#<id>, SK=LEAD
* leads newest first:    GSI1PK=LEAD, GSI1SK=<created_at ISO>#<id>, ScanIndexForward=False
* duplicate submission:  PK=DEDUP#<sha256(email+message)>, SK=DEDUP, valid until expires_at
* acknowledgement quota: PK=ACKQUOTA#<sha256 of the lowercased address>, SK=<yyyy-mm-dd>, ``n`` =
                         acknowledgements counted, ``expires_at`` = two days after the day starts (TTL
                         cleans up; an expired but not yet deleted item only holds a past day, which is
                         never asked for again). One conditional ``UpdateItem`` per acknowledgement:
                         increments while ``n < limit``, refuses atomically after.
* outbox:                PK=OUTBOX#<event id> (tandem.shared.aws.outbox)

Writes are collected by ``DynamoUnitOfWork`` and land in one ``TransactWriteItems`` at commit;
its ``leads`` repository reads at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from botocore.exceptions import ClientError

from tandem.crm.leads.domain.errors import ConcurrentSubmission, DuplicateSubmission
from tandem.crm.leads.domain.model import Lead, LeadStatus
from tandem.crm.leads.domain.rules import recipient_key
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import epoch_seconds, iso
from tandem.shared.errors import ConditionFailed, TransactionConflict
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LEADS_INDEX = "GSI1"
# Page tokens name one lead of the LEAD partition of GSI1, exactly as ``lead_item`` writes it.
issued_lead_cursor = newest_first_in("GSI1", "LEAD", sort_key="LEAD", id_prefix="LEAD#")
QUOTA_KEEP_FOR = timedelta(days=2)


def lead_key(lead_id: UUID) -> dict[str, str]:
    return {"PK": f"LEAD#{lead_id}", "SK": "LEAD"}


def dedup_key(fingerprint: str) -> dict[str, str]:
    return {"PK": f"DEDUP#{fingerprint}", "SK": "DEDUP"}


def quota_key(email: str, day: date) -> dict[str, str]:
    return {"PK": f"ACKQUOTA#{recipient_key(email)}", "SK": day.isoformat()}


def lead_item(lead: Lead) -> dict[str, Any]:
    created = iso(lead.created_at)
    return {
        **lead_key(lead.id),
        "type": "lead",
        "GSI1PK": "LEAD",
        "GSI1SK": f"{created}#{lead.id}",
        "id": str(lead.id),
        "name": lead.name,
        "email": lead.email,
        "message": lead.message,
        "company": lead.company,
        "phone": lead.phone,
        "consent": lead.consent,
        "status": lead.status.value,
        "created_at": created,
    }


def lead_from_item(item: dict[str, Any]) -> Lead:
    return Lead(
        id=UUID(item["id"]),
        name=item["name"],
        email=item["email"],
        message=item["message"],
        consent=bool(item["consent"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        company=item.get("company"),
        phone=item.get("phone"),
        status=LeadStatus(item["status"]),
    )


def dedup_item(lead: Lead) -> dict[str, Any]:
    return {
        **dedup_key(lead.fingerprint),
        "type": "lead_dedup",
        "lead_id": str(lead.id),
        "expires_at": epoch_seconds(lead.dedup_until),
    }


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on CrmTable; it owns the leads repository."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        super().__init__(table_name, client)
        self.leads = DynamoLeadRepository(self)

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):  # ClientErrors are already translated by the outbox
                super().commit()
        except TransactionConflict as race:
            raise ConcurrentSubmission() from race
        except ConditionFailed as failed:
            if not failed.label.startswith("dedup:"):
                raise
            raise DuplicateSubmission(self._existing_lead_id(failed)) from failed

    def _existing_lead_id(self, failed: ConditionFailed) -> UUID:
        """From ReturnValuesOnConditionCheckFailure=ALL_OLD; one read only if it is missing."""
        old = failed.old_item
        if not (old and old.get("lead_id")):  # pragma: no cover - DynamoDB and moto return it
            key = dedup_key(failed.label.removeprefix("dedup:"))
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
            old = from_attributes(response.get("Item")) or {}
        return UUID(old["lead_id"])


class DynamoLeadRepository:
    """Leads: ``add`` goes into the unit of work's transaction, reads go to the table at once."""

    def __init__(self, uow: OutboxUnitOfWork) -> None:
        self.uow = uow

    def add(self, lead: Lead) -> None:
        # TTL deletes lazily (up to days later), so an expired claim must count as free.
        # The label carries the fingerprint commit needs to name the claim that stood in the way.
        self.uow.put(
            dedup_item(lead),
            label=f"dedup:{lead.fingerprint}",
            return_old=True,
            condition="attribute_not_exists(PK) OR expires_at < :now",
            values={":now": epoch_seconds(lead.created_at)},
        )
        self.uow.put(lead_item(lead), label="lead", condition="attribute_not_exists(PK)")

    def get(self, lead_id: UUID) -> Lead | None:
        with storage_errors("GetItem"):
            response = self.uow.client.get_item(
                TableName=self.uow.table_name, Key=to_attributes(lead_key(lead_id)), ConsistentRead=True
            )
        item = from_attributes(response.get("Item"))
        return lead_from_item(item) if item else None

    def list_newest(self, limit: int, cursor: str | None) -> Page[Lead]:
        request: dict[str, Any] = {
            "TableName": self.uow.table_name,
            "IndexName": LEADS_INDEX,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "LEAD"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, issued_lead_cursor)
        with storage_errors("Query"):
            response = self.uow.client.query(**request)
        leads = [lead_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return Page(items=leads, cursor=encode_cursor(response.get("LastEvaluatedKey")))


class DynamoAcknowledgementQuota:
    """The daily acknowledgement quota per recipient address, one counter item per address and UTC day."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        """The injected client, else the shared cached one of the moment (a fresh moto gets a fresh client)."""
        return self._client or shared_client("dynamodb")

    def take(self, email: str, day: date, *, limit: int) -> bool:
        """Count one acknowledgement; False (nothing counted) when ``limit`` were already counted."""
        expires = epoch_seconds(datetime.combine(day, time(), tzinfo=UTC) + QUOTA_KEEP_FOR)
        try:
            with storage_errors("UpdateItem on the acknowledgement quota"):
                self.client.update_item(
                    TableName=self.table_name,
                    Key=to_attributes(quota_key(email, day)),
                    UpdateExpression="SET n = if_not_exists(n, :zero) + :one, expires_at = :expires, #type = :type",
                    ConditionExpression="attribute_not_exists(n) OR n < :limit",
                    ExpressionAttributeNames={"#type": "type"},
                    ExpressionAttributeValues=to_attributes(
                        {":zero": 0, ":one": 1, ":limit": limit, ":expires": expires, ":type": "ack_quota"}
                    ),
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
