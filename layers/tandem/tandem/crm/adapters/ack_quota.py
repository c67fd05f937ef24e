"""The daily acknowledgement quota per recipient address, one counter item per address and UTC day.

``PK=ACKQUOTA#<sha256 of the lowercased address>``, ``SK=<yyyy-mm-dd>``, ``n`` = acknowledgements
counted, ``expires_at`` = two days after the day starts (TTL cleans up; an expired but not yet
deleted item only holds a past day, which is never asked for again). One conditional
``UpdateItem`` per acknowledgement: increments while ``n < limit``, refuses atomically after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from tandem.crm.domain.rules import recipient_key
from tandem.shared.aws.dynamo import storage_errors, to_attributes
from tandem.shared.clock import epoch_seconds

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KEEP_FOR = timedelta(days=2)


def quota_key(email: str, day: date) -> dict[str, str]:
    return {"PK": f"ACKQUOTA#{recipient_key(email)}", "SK": day.isoformat()}


class DynamoAcknowledgementQuota:
    def __init__(self, table_name: str, client: DynamoDBClient | Any) -> None:
        self.table_name = table_name
        self.client = client

    def take(self, email: str, day: date, *, limit: int) -> bool:
        """Count one acknowledgement; False (nothing counted) when ``limit`` were already counted."""
        expires = epoch_seconds(datetime.combine(day, time(), tzinfo=UTC) + KEEP_FOR)
        try:
            with storage_errors("UpdateItem on the acknowledgement quota"):
                self.client.update_item(
                    TableName=self.table_name, Key=to_attributes(quota_key(email, day)),
                    UpdateExpression="SET n = if_not_exists(n, :zero) + :one, expires_at = :expires, #type = :type",
                    ConditionExpression="attribute_not_exists(n) OR n < :limit",
                    ExpressionAttributeNames={"#type": "type"},
                    ExpressionAttributeValues=to_attributes({":zero": 0, ":one": 1, ":limit": limit,
                                                             ":expires": expires, ":type": "ack_quota"}),
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
