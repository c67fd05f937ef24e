"""Once-only markers in BillingTable: the order confirmation per invoice, a reminder per invoice and day."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from botocore.exceptions import ClientError

from tandem.shared.aws.dynamo import from_attributes, storage_errors, to_attributes


def confirmation_key(invoice_id: UUID) -> dict[str, str]:
    return {"PK": f"INVOICE#{invoice_id}", "SK": "CONFIRMATION"}


def refund_notice_key(refund_id: UUID) -> dict[str, str]:
    return {"PK": f"REFUND#{refund_id}", "SK": "NOTICE"}


def reminder_key(invoice_id: UUID, day: date) -> dict[str, str]:
    return {"PK": f"REMINDER#{invoice_id}#{day.isoformat()}", "SK": "REMINDER"}


def _already_there(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoMarkers:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def confirmation(self, invoice_id: UUID) -> str | None:
        return self._sent(confirmation_key(invoice_id))

    def mark_confirmation(self, invoice_id: UUID, message_id: str) -> str:
        """Record the sent confirmation; if another attempt recorded one first, its message id."""
        return self._mark_sent(confirmation_key(invoice_id), "confirmation", message_id)

    def refund_notice(self, refund_id: UUID) -> str | None:
        return self._sent(refund_notice_key(refund_id))

    def mark_refund_notice(self, refund_id: UUID, message_id: str) -> str:
        """Record the sent refund notice; if another attempt recorded one first, its message id."""
        return self._mark_sent(refund_notice_key(refund_id), "refund_notice", message_id)

    def _sent(self, key: dict[str, str]) -> str | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        item = from_attributes(response.get("Item"))
        return str(item["message_id"]) if item else None

    def _mark_sent(self, key: dict[str, str], kind: str, message_id: str) -> str:
        item = {**key, "type": kind, "message_id": message_id}
        try:
            with storage_errors("PutItem"):
                self.client.put_item(
                    TableName=self.table_name, Item=to_attributes(item), ConditionExpression="attribute_not_exists(PK)"
                )
        except ClientError as exc:
            if not _already_there(exc):
                raise
            return self._sent(key) or message_id
        return message_id

    def claim_reminder(self, invoice_id: UUID, day: date) -> bool:
        item = {
            **reminder_key(invoice_id, day),
            "type": "reminder",
            "invoice_id": str(invoice_id),
            "day": day.isoformat(),
        }
        try:
            with storage_errors("PutItem"):
                self.client.put_item(
                    TableName=self.table_name, Item=to_attributes(item), ConditionExpression="attribute_not_exists(PK)"
                )
        except ClientError as exc:
            if _already_there(exc):
                return False
            raise
        return True

    def release_reminder(self, invoice_id: UUID, day: date) -> None:
        with storage_errors("DeleteItem"):
            self.client.delete_item(TableName=self.table_name, Key=to_attributes(reminder_key(invoice_id, day)))
