"""CRM table access: lead items, the dedup claim and newest-first listing.

Access patterns (single table, ``CrmTable``):
* lead by id:            PK=LEAD#<id>, SK=LEAD
* leads newest first:    GSI1PK=LEAD, GSI1SK=<created_at ISO>#<id>, ScanIndexForward=False
* duplicate submission:  PK=DEDUP#<sha256(email+message)>, SK=DEDUP, valid until expires_at
* acknowledgement quota: PK=ACKQUOTA#<sha256(email)>, SK=<yyyy-mm-dd> (see ``ack_quota.py``)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.crm.domain.errors import ConcurrentSubmission, DuplicateSubmission
from tandem.crm.domain.model import Lead, LeadPage, LeadStatus
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, is_time_and_id
from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.clock import epoch_seconds, iso
from tandem.shared.errors import ConditionFailed, TransactionConflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LEADS_INDEX = "GSI1"
_CURSOR_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def lead_key(lead_id: UUID) -> dict[str, str]:
    return {"PK": f"LEAD#{lead_id}", "SK": "LEAD"}


def lead_item(lead: Lead) -> dict[str, Any]:
    created = iso(lead.created_at)
    return {
        **lead_key(lead.id), "type": "lead", "GSI1PK": "LEAD", "GSI1SK": f"{created}#{lead.id}",
        "id": str(lead.id), "name": lead.name, "email": lead.email, "message": lead.message,
        "company": lead.company, "phone": lead.phone, "consent": lead.consent,
        "status": lead.status.value, "created_at": created,
    }


def lead_from_item(item: dict[str, Any]) -> Lead:
    return Lead(
        id=UUID(item["id"]), name=item["name"], email=item["email"], message=item["message"],
        consent=bool(item["consent"]), created_at=datetime.fromisoformat(item["created_at"]),
        company=item.get("company"), phone=item.get("phone"), status=LeadStatus(item["status"]),
    )


def dedup_item(lead: Lead, until: datetime) -> dict[str, Any]:
    return {"PK": f"DEDUP#{lead.fingerprint}", "SK": "DEDUP", "type": "lead_dedup",
            "lead_id": str(lead.id), "expires_at": epoch_seconds(until)}


class CrmUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on CrmTable, speaking in leads."""

    def add_lead(self, lead: Lead, *, dedup_until: datetime, now: datetime) -> None:
        # TTL deletes lazily (up to days later), so an expired claim must count as free.
        claim = dedup_item(lead, dedup_until)
        self._dedup_key = {"PK": claim["PK"], "SK": claim["SK"]}
        self.put(claim, label="dedup", return_old=True,
                 condition="attribute_not_exists(PK) OR expires_at < :now",
                 values={":now": epoch_seconds(now)})
        self.put(lead_item(lead), label="lead", condition="attribute_not_exists(PK)")

    def commit(self) -> None:
        try:
            with storage_errors("TransactWriteItems"):  # ClientErrors are already translated by the outbox
                super().commit()
        except TransactionConflict as race:
            raise ConcurrentSubmission() from race
        except ConditionFailed as failed:
            if failed.label != "dedup":
                raise
            raise DuplicateSubmission(self._existing_lead_id(failed)) from failed

    def _existing_lead_id(self, failed: ConditionFailed) -> UUID:
        """From ReturnValuesOnConditionCheckFailure=ALL_OLD; one read only if it is missing."""
        old = failed.old_item
        if not (old and old.get("lead_id")):  # pragma: no cover - DynamoDB and moto return it
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(self._dedup_key),
                                            ConsistentRead=True)
            old = from_attributes(response.get("Item")) or {}
        return UUID(old["lead_id"])


def issued_lead_cursor(plain: dict[str, Any]) -> bool:
    """The four key attributes of one lead in the LEAD partition, exactly as ``lead_item`` writes them."""
    lead_id = plain.get("PK", "").removeprefix("LEAD#")
    return set(plain) == _CURSOR_KEYS and plain["GSI1PK"] == "LEAD" and plain["SK"] == "LEAD" \
        and plain["PK"].startswith("LEAD#") and is_time_and_id(plain["GSI1SK"], lead_id)


class DynamoLeadRepository:
    """Reads leads; writes go through CrmUnitOfWork."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self.table_name = table_name
        self.client = client

    def get(self, lead_id: UUID) -> Lead | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(lead_key(lead_id)),
                                            ConsistentRead=True)
        item = from_attributes(response.get("Item"))
        return lead_from_item(item) if item else None

    def list_newest(self, *, limit: int, cursor: str | None) -> LeadPage:
        request: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": LEADS_INDEX, "Limit": limit, "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "LEAD"}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, issued_lead_cursor)
        with storage_errors("Query"):
            response = self.client.query(**request)
        leads = [lead_from_item(from_attributes(item) or {}) for item in response.get("Items", [])]
        return LeadPage(leads=leads, cursor=encode_cursor(response.get("LastEvaluatedKey")))
