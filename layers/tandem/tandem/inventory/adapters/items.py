"""Inventory items <-> domain objects (plain dicts; ``tandem.shared.aws.dynamo`` does the typing).

Item layout (single table ``InventoryTable``):
* product:        PK=PRODUCT#<sku> SK=PRODUCT   GSI1PK=CATALOG#ACTIVE|CATALOG#INACTIVE GSI1SK=<sku>
* stock summary:  PK=PRODUCT#<sku> SK=STOCK     GSI1PK=STOCK GSI1SK=<sku>
                  on_hand, reserved, available, version + active/reorder_point/reorder_quantity
                  (copied from the product) + open_purchase_order_id while a PO is drafted
* movement:       PK=PRODUCT#<sku> SK=MOVE#<occurred_at ISO>#<id>   (written once, never changed)
* reservation:    PK=RESERVATION#<order_id> SK=RESERVATION  status reserved|released|shipped
* purchase order: PK=PURCHASE_ORDER#<id> SK=PURCHASE_ORDER GSI1PK=PURCHASE_ORDER GSI1SK=<created ISO>#<id>
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.inventory.domain.model import (
    Movement,
    MovementKind,
    Product,
    PurchaseOrder,
    PurchaseOrderStatus,
    Reservation,
    ReservationStatus,
    StockLevel,
    StockSummary,
    TaxCategory,
)
from tandem.shared.clock import iso

CATALOG_ACTIVE = "CATALOG#ACTIVE"
CATALOG_INACTIVE = "CATALOG#INACTIVE"
STOCK_INDEX_PK = "STOCK"
PURCHASE_ORDER_INDEX_PK = "PURCHASE_ORDER"


def product_key(sku: str) -> dict[str, str]:
    return {"PK": f"PRODUCT#{sku}", "SK": "PRODUCT"}


def stock_key(sku: str) -> dict[str, str]:
    return {"PK": f"PRODUCT#{sku}", "SK": "STOCK"}


def reservation_key(order_id: str) -> dict[str, str]:
    return {"PK": f"RESERVATION#{order_id}", "SK": "RESERVATION"}


def purchase_order_key(po_id: str) -> dict[str, str]:
    return {"PK": f"PURCHASE_ORDER#{po_id}", "SK": "PURCHASE_ORDER"}


def product_item(product: Product) -> dict[str, Any]:
    return {
        **product_key(product.sku),
        "type": "product",
        "GSI1PK": CATALOG_ACTIVE if product.active else CATALOG_INACTIVE,
        "GSI1SK": product.sku,
        "sku": product.sku,
        "name": product.name,
        "unit_price": product.unit_price,
        "currency": product.currency,
        "tax_category": product.tax_category.value,
        "reorder_point": product.reorder_point,
        "reorder_quantity": product.reorder_quantity,
        "active": product.active,
        "revision": product.revision,
        "created_at": iso(product.created_at),
        "updated_at": iso(product.updated_at),
    }


def product_from_item(item: dict[str, Any]) -> Product:
    return Product(
        sku=item["sku"],
        name=item["name"],
        unit_price=Decimal(item["unit_price"]),
        currency=item["currency"],
        tax_category=TaxCategory(item["tax_category"]),
        reorder_point=int(item["reorder_point"]),
        reorder_quantity=int(item["reorder_quantity"]),
        active=bool(item["active"]),
        revision=int(item["revision"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        updated_at=datetime.fromisoformat(item["updated_at"]),
    )


def stock_item(product: Product) -> dict[str, Any]:
    """The empty stock summary a new product starts with."""
    return {
        **stock_key(product.sku),
        "type": "stock",
        "GSI1PK": STOCK_INDEX_PK,
        "GSI1SK": product.sku,
        "sku": product.sku,
        "on_hand": 0,
        "reserved": 0,
        "available": 0,
        "version": 0,
        "active": product.active,
        "reorder_point": product.reorder_point,
        "reorder_quantity": product.reorder_quantity,
    }


def summary_from_item(item: dict[str, Any]) -> StockSummary:
    level = StockLevel(
        sku=item["sku"], on_hand=int(item["on_hand"]), reserved=int(item["reserved"]), version=int(item["version"])
    )
    return StockSummary(
        level=level,
        active=bool(item["active"]),
        reorder_point=int(item["reorder_point"]),
        reorder_quantity=int(item["reorder_quantity"]),
        open_purchase_order_id=item.get("open_purchase_order_id"),
    )


def movement_item(move: Movement) -> dict[str, Any]:
    at = iso(move.occurred_at)
    return {
        "PK": f"PRODUCT#{move.sku}",
        "SK": f"MOVE#{at}#{move.id}",
        "type": "movement",
        "id": str(move.id),
        "sku": move.sku,
        "kind": move.kind.value,
        "quantity": move.quantity,
        "on_hand_delta": move.on_hand_delta,
        "reserved_delta": move.reserved_delta,
        "occurred_at": at,
        "reason": move.reason,
        "reference": move.reference,
    }


def movement_from_item(item: dict[str, Any]) -> Movement:
    return Movement(
        id=UUID(item["id"]),
        sku=item["sku"],
        kind=MovementKind(item["kind"]),
        on_hand_delta=int(item["on_hand_delta"]),
        reserved_delta=int(item["reserved_delta"]),
        occurred_at=datetime.fromisoformat(item["occurred_at"]),
        reason=item.get("reason"),
        reference=item.get("reference"),
    )


def reservation_item(reservation: Reservation) -> dict[str, Any]:
    return {
        **reservation_key(reservation.order_id),
        "type": "reservation",
        "order_id": reservation.order_id,
        "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in reservation.lines],
        "status": reservation.status.value,
        "reserved_at": iso(reservation.reserved_at),
    }


def reservation_from_item(item: dict[str, Any]) -> Reservation:
    lines = tuple((line["sku"], int(line["quantity"])) for line in item["lines"])
    return Reservation(
        order_id=item["order_id"],
        lines=lines,
        status=ReservationStatus(item["status"]),
        reserved_at=datetime.fromisoformat(item["reserved_at"]),
    )


def purchase_order_item(po: PurchaseOrder) -> dict[str, Any]:
    created = iso(po.created_at)
    return {
        **purchase_order_key(po.id),
        "type": "purchase_order",
        "GSI1PK": PURCHASE_ORDER_INDEX_PK,
        "GSI1SK": f"{created}#{po.id}",
        "id": po.id,
        "sku": po.sku,
        "quantity": po.quantity,
        "status": po.status.value,
        "created_at": created,
        "received_at": iso(po.received_at) if po.received_at else None,
    }


def purchase_order_from_item(item: dict[str, Any]) -> PurchaseOrder:
    received = item.get("received_at")
    return PurchaseOrder(
        id=item["id"],
        sku=item["sku"],
        quantity=int(item["quantity"]),
        status=PurchaseOrderStatus(item["status"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        received_at=datetime.fromisoformat(received) if received else None,
    )
