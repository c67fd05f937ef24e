"""Sales' catalog read model: one item per SKU holding the highest ``revision`` seen.

Inventory's ProductCreated/ProductUpdated may arrive late, twice or out of order; the conditional
put (``attribute_not_exists(PK) OR revision < :new``) keeps the newest and ignores the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from tandem.sales.adapters import items
from tandem.sales.domain.model import Product
from tandem.shared.aws.dynamo import storage_errors, to_attributes


class DynamoCatalog:
    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def save_if_newer(self, product: Product, *, now: datetime) -> bool:
        """Store ``product`` unless a revision at least as new is stored; True if it was stored."""
        try:
            with storage_errors("PutItem on the catalog"):
                self.client.put_item(
                    TableName=self.table_name, Item=to_attributes(items.product_item(product, updated_at=now)),
                    ConditionExpression="attribute_not_exists(PK) OR revision < :new",
                    ExpressionAttributeValues=to_attributes({":new": product.revision}))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
