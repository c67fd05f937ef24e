"""SalesTable access: orders, the catalog read model, Idempotency-Key records.

Access patterns (single table, ``SalesTable``):
* order by id:                 PK=ORDER#<id>, SK=ORDER (``version`` for optimistic locking)
* all orders newest first:     GSI1PK=ORDER, GSI1SK=<placed_at ISO>#<id>, ScanIndexForward=False
* a customer's orders:         GSI2PK=CUSTOMER#<lower(email)>, GSI2SK=<placed_at ISO>#<id>, newest first
* catalog product by sku:      PK=CATALOG#<sku>, SK=CATALOG (highest ``revision`` only; see ``catalog.py``)
* Idempotency-Key of a caller: PK=IDEMKEY#<sha256(sub + key)>, SK=IDEMKEY, honoured until ``expires_at``
* placing an order reads the catalog items and the key record in ONE BatchGetItem and writes order,
  OrderPlaced outbox item and key record in ONE TransactWriteItems.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tandem.sales.adapters import items
from tandem.sales.adapters.cursor import issued_order_cursor
from tandem.sales.domain.errors import ConcurrentOrderUpdate, IdempotencyKeyTaken
from tandem.sales.domain.model import Order, OrderPage, Product
from tandem.shared import request_keys
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.errors import ConditionFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class SalesUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on SalesTable, speaking in orders."""

    def add_order(self, order: Order) -> None:
        self.put(items.order_item(order, version=1), label="order", condition="attribute_not_exists(PK)")

    def save_order(self, order: Order) -> None:
        """Replace the order if nobody changed it since it was read (``order.version``)."""
        self.put(items.order_item(order, version=order.version + 1), label="order",
                 condition="#version = :expected", names={"#version": "version"},
                 values={":expected": order.version})

    def claim_idempotency_key(self, record: request_keys.KeyRecord, *, now: datetime) -> None:
        # An expired record (TTL deletes lazily) counts as free; a live one cancels the transaction and
        # comes back (ALL_OLD) so the caller can replay or refuse without another read.
        self._claim = record
        condition, values = request_keys.claim_condition(now)
        self.put(request_keys.record_item(record), label="idempotency", return_old=True,
                 condition=condition, values=values)

    def commit(self) -> None:
        try:
            super().commit()
        except ConditionFailed as failed:
            if failed.label == "order":
                raise ConcurrentOrderUpdate() from failed
            if failed.label == "idempotency" and failed.old_item:
                claim = self._claim
                raise IdempotencyKeyTaken(request_keys.record_from_item(
                    failed.old_item, claim.caller, claim.key)) from failed
            raise


class DynamoOrderRepository:
    """Reads orders, the catalog and key records; writes go through SalesUnitOfWork."""

    def __init__(self, table_name: str, client: DynamoDBClient | Any,
                 *, sleep: Any = time.sleep) -> None:
        self.table_name = table_name
        self.client = client
        self.sleep = sleep

    def get(self, order_id: UUID) -> Order | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(items.order_key(order_id)),
                                            ConsistentRead=True)
        item = from_attributes(response.get("Item"))
        return items.order_from_item(item) if item else None

    def load_for_placement(self, skus: list[str], key: tuple[str, str] | None
                           ) -> tuple[dict[str, Product], request_keys.KeyRecord | None]:
        """The catalog entries of ``skus`` and the (caller, key) record, in one BatchGetItem."""
        keys = [items.catalog_key(sku) for sku in dict.fromkeys(skus)]
        if key is not None:
            keys.append(request_keys.record_key(*key))
        found = batch_get(self.client, self.table_name, keys, sleep=self.sleep)
        catalog = {i["sku"]: items.product_from_item(i) for i in found if i.get("type") == "catalog_product"}
        records = [i for i in found if i.get("type") == "idempotency_key"]
        record = request_keys.record_from_item(records[0], *key) if records and key else None
        return catalog, record

    def list_newest(self, *, limit: int, cursor: str | None) -> OrderPage:
        return self._query("GSI1", "GSI1PK", items.ALL_ORDERS, limit, cursor)

    def list_for_customer(self, email: str, *, limit: int, cursor: str | None) -> OrderPage:
        return self._query("GSI2", "GSI2PK", items.customer_partition(email), limit, cursor)

    def _query(self, index: str, attribute: str, partition: str, limit: int, cursor: str | None) -> OrderPage:
        request: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": index, "Limit": limit, "ScanIndexForward": False,
            "KeyConditionExpression": f"{attribute} = :pk", "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, issued_order_cursor(index, partition))
        with storage_errors("Query"):
            response = self.client.query(**request)
        orders = [items.order_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return OrderPage(orders=orders, cursor=encode_cursor(response.get("LastEvaluatedKey")))
