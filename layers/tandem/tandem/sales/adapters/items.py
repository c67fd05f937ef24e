"""Sales items <-> domain objects (SalesTable, single-table design; ``dynamodb.py`` lists the access patterns)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.sales.domain.commands import BillingAddress, Customer, PaymentMethod, ReceivedPayment
from tandem.sales.domain.model import Order, OrderLine, OrderStatus, Product
from tandem.sales.domain.placement import customer_data
from tandem.sales.domain.rules import in_minor_units, two_places
from tandem.shared.clock import iso

ALL_ORDERS = "ORDER"  # GSI1PK of every order (newest first over GSI1SK)


def order_key(order_id: UUID | str) -> dict[str, str]:
    return {"PK": f"ORDER#{order_id}", "SK": "ORDER"}


def catalog_key(sku: str) -> dict[str, str]:
    return {"PK": f"CATALOG#{sku}", "SK": "CATALOG"}


def owner_partition(customer_sub: str) -> str:
    """GSI2PK of the orders a customer owns (their token ``sub``; email is never a key)."""
    return f"OWNER#{customer_sub}"


def order_item(order: Order, *, version: int) -> dict[str, Any]:
    placed = iso(order.placed_at)
    customer = customer_data(order).model_dump()
    return {
        **order_key(order.id),
        "type": "order",
        "version": version,
        "GSI1PK": ALL_ORDERS,
        "GSI1SK": f"{placed}#{order.id}",
        **(
            {"GSI2PK": owner_partition(order.customer_sub), "GSI2SK": f"{placed}#{order.id}"}
            if order.customer_sub
            else {}
        ),
        "customer_sub": order.customer_sub,
        "id": str(order.id),
        "status": order.status.value,
        # DynamoDB items leave out an absent line2 rather than store a null.
        "customer": {
            **customer,
            "billing_address": {k: v for k, v in customer["billing_address"].items() if v is not None},
        },
        "lines": [
            {
                "sku": li.sku,
                "name": li.name,
                "quantity": li.quantity,
                "unit_price": li.unit_price,
                "tax_category": li.tax_category,
                "tax_rate": li.tax_rate,
                "net": li.net,
            }
            for li in order.lines
        ],
        "currency": order.currency,
        "payment_method": order.payment_method.value,
        "tax_rounding": order.tax_rounding,
        "net_total": order.net_total,
        "tax_total": order.tax_total,
        "gross_total": order.gross_total,
        "placed_at": placed,
        "placed_by": order.placed_by,
        "saga_execution_id": order.saga_execution_id,
        "task_token": order.task_token,
        "payment": None
        if order.payment is None
        else {
            "payment_id": order.payment.payment_id,
            "amount": order.payment.amount,
            "currency": order.payment.currency,
        },
        "invoice_id": order.invoice_id,
        "invoice_number": order.invoice_number,
        "close_reason": order.close_reason,
        "correlation_id": order.correlation_id,
    }


def order_from_item(item: dict[str, Any]) -> Order:
    customer = item["customer"]
    address = customer["billing_address"]
    payment = item.get("payment")
    return Order(
        id=UUID(item["id"]),
        customer=Customer(
            email=customer["email"],
            name=customer["name"],
            billing_address=BillingAddress(
                line1=address["line1"],
                line2=address.get("line2"),
                city=address["city"],
                postal_code=address["postal_code"],
                country=address["country"],
            ),
            vat_id=customer.get("vat_id") or None,
        ),
        lines=tuple(
            OrderLine(
                sku=li["sku"],
                name=li["name"],
                quantity=int(li["quantity"]),
                unit_price=in_minor_units(li["unit_price"], item["currency"]),
                tax_category=li["tax_category"],
                tax_rate=two_places(li["tax_rate"]),
                net=in_minor_units(li["net"], item["currency"]),
            )
            for li in item["lines"]
        ),
        currency=item["currency"],
        payment_method=PaymentMethod(item["payment_method"]),
        tax_rounding=item["tax_rounding"],
        net_total=in_minor_units(item["net_total"], item["currency"]),
        tax_total=in_minor_units(item["tax_total"], item["currency"]),
        gross_total=in_minor_units(item["gross_total"], item["currency"]),
        placed_at=datetime.fromisoformat(item["placed_at"]),
        placed_by=item["placed_by"],
        customer_sub=item.get("customer_sub"),
        status=OrderStatus(item["status"]),
        version=int(item["version"]),
        saga_execution_id=item.get("saga_execution_id"),
        task_token=item.get("task_token"),
        payment=None
        if not payment
        else ReceivedPayment(
            payment_id=payment["payment_id"],
            amount=in_minor_units(payment["amount"], payment["currency"]),
            currency=payment["currency"],
        ),
        invoice_id=item.get("invoice_id"),
        invoice_number=item.get("invoice_number"),
        close_reason=item.get("close_reason"),
        correlation_id=item.get("correlation_id"),
    )


def product_item(product: Product, *, updated_at: datetime) -> dict[str, Any]:
    return {
        **catalog_key(product.sku),
        "type": "catalog_product",
        "sku": product.sku,
        "name": product.name,
        "unit_price": product.unit_price,
        "currency": product.currency,
        "tax_category": product.tax_category,
        "active": product.active,
        "revision": product.revision,
        "updated_at": iso(updated_at),
    }


def product_from_item(item: dict[str, Any]) -> Product:
    return Product(
        sku=item["sku"],
        name=item["name"],
        unit_price=Decimal(item["unit_price"]),
        currency=item["currency"],
        tax_category=item["tax_category"],
        active=bool(item["active"]),
        revision=int(item["revision"]),
    )
