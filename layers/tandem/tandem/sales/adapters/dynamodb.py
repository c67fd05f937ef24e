"""SalesTable: orders, the catalog read model, Idempotency-Key records — the only place boto3 meets it.

Access patterns (single table, ``SalesTable``; items in ``items.py``):
* order by id:                 PK=ORDER#<id>, SK=ORDER (``version`` for optimistic locking)
* all orders newest first:     GSI1PK=ORDER, GSI1SK=<placed_at ISO>#<id>, ScanIndexForward=False
* a customer's orders:         GSI2PK=OWNER#<token sub>, GSI2SK=<placed_at ISO>#<id>, newest first (sparse:
                               only orders a customer placed; staff-placed orders have no owner)
* catalog product by sku:      PK=CATALOG#<sku>, SK=CATALOG (highest ``revision`` only)
* Idempotency-Key of a caller: PK=IDEMKEY#<sha256(sub + key)>, SK=IDEMKEY, honoured until ``expires_at``
* placing an order reads the catalog items and the key record in ONE BatchGetItem and writes order,
  OrderPlaced outbox item and key record in ONE TransactWriteItems.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from botocore.exceptions import ClientError

from tandem.sales.adapters import items
from tandem.sales.domain.errors import ConcurrentOrderUpdate, IdempotencyKeyTaken
from tandem.sales.domain.model import Order, Product
from tandem.shared import request_keys
from tandem.shared.aws.cursor import decode_cursor, encode_cursor, newest_first_in
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on SalesTable, with the repositories that read it and stage writes in it."""

    def __init__(
        self, table_name: str, client: DynamoDBClient, *, sleep: Callable[[float], object] = time.sleep
    ) -> None:
        super().__init__(table_name, client)
        self.orders = DynamoOrderRepository(self)
        self.catalog = DynamoCatalogRepository(self, sleep=sleep)
        self._claim: request_keys.KeyRecord | None = None

    def claim_idempotency_key(self, record: request_keys.KeyRecord, *, now: datetime) -> None:
        # An expired record (TTL deletes lazily) counts as free; a live one cancels the transaction and
        # comes back (ALL_OLD) so the caller can replay or refuse without another read.
        self._claim = record
        condition, values = request_keys.claim_condition(now)
        self.put(
            request_keys.record_item(record), label="idempotency", return_old=True, condition=condition, values=values
        )

    def commit(self) -> None:
        try:
            super().commit()
        except ConditionFailed as failed:
            if failed.label == "order":
                raise ConcurrentOrderUpdate() from failed
            claim = self._claim
            if failed.label == "idempotency" and failed.old_item and claim is not None:
                raise IdempotencyKeyTaken(
                    request_keys.record_from_item(failed.old_item, claim.caller, claim.key)
                ) from failed
            raise


class DynamoOrderRepository:
    """Orders: read at once (consistently), written by staging in the unit of work."""

    def __init__(self, uow: OutboxUnitOfWork) -> None:
        self._uow = uow

    def get(self, order_id: UUID) -> Order | None:
        with storage_errors("GetItem"):
            response = self._uow.client.get_item(
                TableName=self._uow.table_name, Key=to_attributes(items.order_key(order_id)), ConsistentRead=True
            )
        item = from_attributes(response.get("Item"))
        return items.order_from_item(item) if item else None

    def add(self, order: Order) -> None:
        self._uow.put(items.order_item(order, version=1), label="order", condition="attribute_not_exists(PK)")

    def save(self, order: Order) -> None:
        """Replace the order if nobody changed it since it was read (``order.version``)."""
        self._uow.put(
            items.order_item(order, version=order.version + 1),
            label="order",
            condition="#version = :expected",
            names={"#version": "version"},
            values={":expected": order.version},
        )

    def list_newest(self, *, limit: int, cursor: str | None) -> Page[Order]:
        return self._query("GSI1", "GSI1PK", items.ALL_ORDERS, limit, cursor)

    def list_for_customer(self, customer_sub: str, *, limit: int, cursor: str | None) -> Page[Order]:
        return self._query("GSI2", "GSI2PK", items.owner_partition(customer_sub), limit, cursor)

    def _query(self, index: str, attribute: str, partition: str, limit: int, cursor: str | None) -> Page[Order]:
        request: dict[str, Any] = {
            "TableName": self._uow.table_name,
            "IndexName": index,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": f"{attribute} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(
                cursor, newest_first_in(index, partition, sort_key="ORDER", id_prefix="ORDER#")
            )
        with storage_errors("Query"):
            response = self._uow.client.query(**request)
        orders = [items.order_from_item(from_attributes(i) or {}) for i in response.get("Items", [])]
        return Page(items=orders, cursor=encode_cursor(response.get("LastEvaluatedKey")))


class DynamoCatalogRepository:
    """Sales' catalog read model: one item per SKU holding the highest ``revision`` seen.

    Inventory's ProductCreated/ProductUpdated may arrive late, twice or out of order; the conditional
    put (``attribute_not_exists(PK) OR revision < :new``) keeps the newest and ignores the rest.
    """

    def __init__(self, uow: OutboxUnitOfWork, *, sleep: Callable[[float], object] = time.sleep) -> None:
        self._uow = uow
        self._sleep = sleep

    def load_for_placement(
        self, skus: list[str], key: tuple[str, str] | None
    ) -> tuple[dict[str, Product], request_keys.KeyRecord | None]:
        """The catalog entries of ``skus`` and the (caller, key) record, in one BatchGetItem."""
        keys = [items.catalog_key(sku) for sku in dict.fromkeys(skus)]
        if key is not None:
            keys.append(request_keys.record_key(*key))
        found = batch_get(self._uow.client, self._uow.table_name, keys, sleep=self._sleep)
        catalog = {i["sku"]: items.product_from_item(i) for i in found if i.get("type") == "catalog_product"}
        records = [i for i in found if i.get("type") == "idempotency_key"]
        record = request_keys.record_from_item(records[0], *key) if records and key else None
        return catalog, record

    def save_if_newer(self, product: Product, *, now: datetime) -> bool:
        """Store ``product`` at once (not staged: nothing else is written with it) unless a revision at
        least as new is stored; True if it was stored."""
        try:
            with storage_errors("PutItem on the catalog"):
                self._uow.client.put_item(
                    TableName=self._uow.table_name,
                    Item=to_attributes(items.product_item(product, updated_at=now)),
                    ConditionExpression="attribute_not_exists(PK) OR revision < :new",
                    ExpressionAttributeValues=to_attributes({":new": product.revision}),
                )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
