"""``DynamoUnitOfWork`` and its repositories on InventoryTable. Item layout: see ``items.py``.

Access patterns:
* product / stock summary / last 50 movements of a sku: PK=PRODUCT#<sku>, one Query newest first
  (SK order: STOCK > PRODUCT > MOVE#<time>...)
* public catalog (active products by sku): GSI1PK=CATALOG#ACTIVE, GSI1SK=<sku>
* reorder candidates: GSI1PK=STOCK, filter ``active AND available <= reorder_point AND no open PO``
  (DynamoDB filters may compare two attributes; conditions on the draft re-check it atomically)
* stock summaries of an order's lines (shortages after a refused reservation): ONE consistent BatchGetItem
  of PK=PRODUCT#<sku>, SK=STOCK keys
* reservation of an order: PK=RESERVATION#<order_id>
* purchase orders newest first: GSI1PK=PURCHASE_ORDER, GSI1SK=<created>#<id> (optional status filter)
* Idempotency-Key of a caller: PK=IDEMKEY#<sha256(sub + key)>, SK=IDEMKEY (tandem.shared.request_keys;
  ``expires_at`` is the table's TTL attribute)

Invariants are conditions in the one TransactWriteItems of each command: a stock summary update
requires ``available >= q`` / ``on_hand >= q`` / ``reserved >= q`` for every decrease, so no
interleaving of writers can take a total below zero; reservation and purchase-order status moves
require the expected current status; product replacement requires the revision read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tandem.inventory.adapters import items as it
from tandem.inventory.domain.model import (
    Movement,
    MovementKind,
    Product,
    PurchaseOrder,
    PurchaseOrderStatus,
    Reservation,
    ReservationStatus,
    StockSummary,
)
from tandem.shared.aws.cursor import decode_cursor, encode_cursor
from tandem.shared.aws.dynamo import batch_get, from_attributes, storage_errors, to_attributes
from tandem.shared.aws.outbox import OutboxUnitOfWork
from tandem.shared.aws.request_keys import DynamoRequestKeys
from tandem.shared.paging import Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

INDEX = "GSI1"
_KEYS = {"PK", "SK", "GSI1PK", "GSI1SK"}


def _issued_in(partition: str) -> Callable[[dict[str, Any]], bool]:
    """Page tokens we issued for a query of GSI1 partition ``partition`` (``tandem.shared.aws.cursor``)."""
    return lambda plain: set(plain) == _KEYS and plain["GSI1PK"] == partition


class _Reads:
    """Immediate, consistent reads of the table (writes wait for the unit of work's commit)."""

    def __init__(self, table_name: str, client: DynamoDBClient, sleep: Callable[[float], object]) -> None:
        self.table_name = table_name
        self.client = client
        self.sleep = sleep

    def get(self, key: dict[str, str]) -> dict[str, Any] | None:
        with storage_errors("GetItem"):
            response = self.client.get_item(TableName=self.table_name, Key=to_attributes(key), ConsistentRead=True)
        return from_attributes(response.get("Item"))

    def query(self, **request: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        with storage_errors("Query"):
            response = self.client.query(TableName=self.table_name, **request)
        return [from_attributes(i) or {} for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def batch(self, keys: list[dict[str, str]]) -> list[dict[str, Any]]:
        return batch_get(self.client, self.table_name, keys, sleep=self.sleep)


class DynamoProductRepository:
    def __init__(self, writes: OutboxUnitOfWork, reads: _Reads) -> None:
        self.writes = writes
        self.reads = reads

    def get(self, sku: str) -> Product | None:
        item = self.reads.get(it.product_key(sku))
        return it.product_from_item(item) if item else None

    def list_active(self, *, limit: int, cursor: str | None) -> Page[Product]:
        request: dict[str, Any] = {
            "IndexName": INDEX,
            "Limit": limit,
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": to_attributes({":pk": it.CATALOG_ACTIVE}),
        }
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _issued_in(it.CATALOG_ACTIVE))
        rows, last = self.reads.query(**request)
        return Page(items=[it.product_from_item(r) for r in rows], cursor=encode_cursor(last))

    def add(self, product: Product) -> None:
        self.writes.put(it.product_item(product), label="product", condition="attribute_not_exists(PK)")
        self.writes.put(it.stock_item(product), label=f"stock:{product.sku}", condition="attribute_not_exists(PK)")

    def replace(self, product: Product, *, expected_revision: int) -> None:
        self.writes.put(
            it.product_item(product),
            label="product",
            condition="#rev = :rev",
            names={"#rev": "revision"},
            values={":rev": expected_revision},
        )
        self.writes.update(
            it.stock_key(product.sku),
            "SET #a = :a, #rp = :rp, #rq = :rq",
            label=f"stock:{product.sku}",
            condition="attribute_exists(PK)",
            names={"#a": "active", "#rp": "reorder_point", "#rq": "reorder_quantity"},
            values={":a": product.active, ":rp": product.reorder_point, ":rq": product.reorder_quantity},
        )


class DynamoStockRepository:
    def __init__(self, writes: OutboxUnitOfWork, reads: _Reads) -> None:
        self.writes = writes
        self.reads = reads

    def get_summary(self, sku: str) -> StockSummary | None:
        item = self.reads.get(it.stock_key(sku))
        return it.summary_from_item(item) if item else None

    def get_summaries(self, skus: list[str]) -> dict[str, StockSummary]:
        """Current summaries of ``skus`` (one reservation's lines, <= MAX_LINES) in ONE consistent
        BatchGetItem, so the shortages reported come from one moment, not one read per sku. Keys DynamoDB
        leaves unprocessed (throttling) are asked again with backoff."""
        unique = list(dict.fromkeys(skus))
        if not unique:
            return {}
        summaries = (it.summary_from_item(row) for row in self.reads.batch([it.stock_key(sku) for sku in unique]))
        return {summary.level.sku: summary for summary in summaries}

    def with_movements(self, sku: str, *, limit: int) -> tuple[StockSummary | None, list[Movement]]:
        """The summary and the latest ``limit`` movements, in one Query (newest first)."""
        rows, _ = self.reads.query(
            KeyConditionExpression="PK = :pk",
            ScanIndexForward=False,
            Limit=limit + 2,
            ExpressionAttributeValues=to_attributes({":pk": f"PRODUCT#{sku}"}),
            ConsistentRead=True,
        )
        summary = next((it.summary_from_item(r) for r in rows if r["type"] == "stock"), None)
        moves = [it.movement_from_item(r) for r in rows if r["type"] == "movement"]
        return summary, moves[:limit]

    def reorder_candidates(self) -> list[StockSummary]:
        """Active skus at or below their reorder point without an open purchase order (all pages)."""
        request: dict[str, Any] = {
            "IndexName": INDEX,
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": "#act = :true AND #a <= #rp AND attribute_not_exists(#po)",
            "ExpressionAttributeNames": {
                "#act": "active",
                "#a": "available",
                "#rp": "reorder_point",
                "#po": "open_purchase_order_id",
            },
            "ExpressionAttributeValues": to_attributes({":pk": it.STOCK_INDEX_PK, ":true": True}),
        }
        found: list[StockSummary] = []
        while True:
            rows, last = self.reads.query(**request)
            found.extend(it.summary_from_item(r) for r in rows)
            if not last:
                return found
            request["ExclusiveStartKey"] = last

    def apply(
        self,
        move: Movement,
        *,
        expected_version: int | None = None,
        require_active: bool = False,
        close_purchase_order: bool = False,
    ) -> None:
        """Append ``move`` to the ledger and add it to the summary, refusing any total below zero."""
        self.writes.put(it.movement_item(move), label=f"movement:{move.sku}", condition="attribute_not_exists(PK)")
        names = {"#oh": "on_hand", "#r": "reserved", "#a": "available", "#v": "version"}
        values: dict[str, Any] = {
            ":dh": move.on_hand_delta,
            ":dr": move.reserved_delta,
            ":da": move.available_delta,
            ":one": 1,
        }
        conditions = ["attribute_exists(PK)"]
        for attribute, delta, placeholder in (
            ("#oh", move.on_hand_delta, ":nh"),
            ("#r", move.reserved_delta, ":nr"),
            ("#a", move.available_delta, ":na"),
        ):
            if delta < 0 and not (attribute == "#a" and move.kind is MovementKind.COUNT):
                conditions.append(f"{attribute} >= {placeholder}")
                values[placeholder] = -delta
        if expected_version is not None:
            conditions.append("#v = :v")
            values[":v"] = expected_version
        if require_active:
            conditions.append("#act = :true")
            names["#act"] = "active"
            values[":true"] = True
        update = "ADD #oh :dh, #r :dr, #a :da, #v :one"
        if close_purchase_order:
            update += " REMOVE #po"
            names["#po"] = "open_purchase_order_id"
        self.writes.update(
            it.stock_key(move.sku),
            update,
            label=f"stock:{move.sku}",
            condition=" AND ".join(conditions),
            names=names,
            values=values,
        )


class DynamoReservationRepository:
    def __init__(self, writes: OutboxUnitOfWork, reads: _Reads) -> None:
        self.writes = writes
        self.reads = reads

    def get(self, order_id: str) -> Reservation | None:
        item = self.reads.get(it.reservation_key(order_id))
        return it.reservation_from_item(item) if item else None

    def add(self, reservation: Reservation) -> None:
        self.writes.put(
            it.reservation_item(reservation), label="reservation", condition="attribute_not_exists(PK)", return_old=True
        )

    def move(self, order_id: str, *, from_status: ReservationStatus, to: ReservationStatus) -> None:
        self.writes.update(
            it.reservation_key(order_id),
            "SET #s = :to",
            label="reservation",
            condition="#s = :from",
            names={"#s": "status"},
            values={":to": to.value, ":from": from_status.value},
            return_old=True,
        )


class DynamoPurchaseOrderRepository:
    def __init__(self, writes: OutboxUnitOfWork, reads: _Reads) -> None:
        self.writes = writes
        self.reads = reads

    def get(self, po_id: str) -> PurchaseOrder | None:
        item = self.reads.get(it.purchase_order_key(po_id))
        return it.purchase_order_from_item(item) if item else None

    def list_newest_first(
        self, *, status: PurchaseOrderStatus | None, limit: int, cursor: str | None
    ) -> Page[PurchaseOrder]:
        values: dict[str, Any] = {":pk": it.PURCHASE_ORDER_INDEX_PK}
        request: dict[str, Any] = {
            "IndexName": INDEX,
            "Limit": limit,
            "ScanIndexForward": False,
            "KeyConditionExpression": "GSI1PK = :pk",
        }
        if status:
            request.update(FilterExpression="#s = :s", ExpressionAttributeNames={"#s": "status"})
            values[":s"] = status.value
        request["ExpressionAttributeValues"] = to_attributes(values)
        if cursor:
            request["ExclusiveStartKey"] = decode_cursor(cursor, _issued_in(it.PURCHASE_ORDER_INDEX_PK))
        rows, last = self.reads.query(**request)
        return Page(items=[it.purchase_order_from_item(r) for r in rows], cursor=encode_cursor(last))

    def add(self, po: PurchaseOrder) -> None:
        """Draft ``po`` and mark its sku as having an open one, if it is still due and has none."""
        self.writes.put(it.purchase_order_item(po), label="purchase_order", condition="attribute_not_exists(PK)")
        self.writes.update(
            it.stock_key(po.sku),
            "SET #po = :po",
            label=f"open_po:{po.sku}",
            condition="attribute_not_exists(#po) AND #act = :true AND #a <= #rp",
            names={"#po": "open_purchase_order_id", "#act": "active", "#a": "available", "#rp": "reorder_point"},
            values={":po": po.id, ":true": True},
        )

    def mark_received(self, po: PurchaseOrder) -> None:
        """``po`` (already in its received state) replaces the drafted one."""
        self.writes.put(
            it.purchase_order_item(po),
            label="purchase_order",
            condition="#s = :drafted",
            names={"#s": "status"},
            values={":drafted": "drafted"},
        )


class DynamoUnitOfWork(OutboxUnitOfWork):
    """The outbox unit of work on InventoryTable with its repositories: their reads go to the table at once,
    their writes and the recorded events land in one TransactWriteItems at ``commit``."""

    def __init__(
        self, table_name: str, client: DynamoDBClient, *, sleep: Callable[[float], object] = time.sleep
    ) -> None:
        super().__init__(table_name, client)
        reads = _Reads(table_name, client, sleep)
        self.products = DynamoProductRepository(self, reads)
        self.stock = DynamoStockRepository(self, reads)
        self.reservations = DynamoReservationRepository(self, reads)
        self.purchase_orders = DynamoPurchaseOrderRepository(self, reads)
        self.request_keys = DynamoRequestKeys(self, reads.get)
