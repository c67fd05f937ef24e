"""Request and response models of the sales API (the edge; the domain never sees them)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from tandem.sales.domain import placement, rules
from tandem.sales.domain.commands import (
    BillingAddress,
    Caller,
    CancelOrder,
    Customer,
    PaymentMethod,
    PlaceOrder,
    RequestedLine,
    ShipOrder,
    parse_order_id,
)
from tandem.sales.domain.model import Order, OrderStatus
from tandem.sales.service import KeyedRequest
from tandem.shared.auth import identity_of
from tandem.shared.money import amount_text
from tandem.shared.openapi import Currency, ItemsPage, Money, Rate
from tandem.shared.paging import Page
from tandem.shared.pricing import TaxCategory
from tandem.shared.text import SingleLine


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class AddressIn(_Strict):
    line1: Annotated[str, SingleLine(rules.ADDRESS_FIELD_MAX)]
    line2: Annotated[str | None, SingleLine(rules.ADDRESS_FIELD_MAX, min_length=0)] = None
    city: Annotated[str, SingleLine(rules.ADDRESS_FIELD_MAX)]
    postal_code: Annotated[str, SingleLine(rules.POSTAL_CODE_MAX)]
    country: Annotated[str, Field(pattern=rules.COUNTRY_PATTERN, description="ISO 3166-1 alpha-2", examples=["DE"])]


class CustomerIn(_Strict):
    email: Annotated[str, Field(examples=["ada@example.com"]), SingleLine(rules.EMAIL_MAX, min_length=3)]
    name: Annotated[str, SingleLine(rules.NAME_MAX)]
    billing_address: AddressIn
    vat_id: Annotated[
        str | None,
        Field(
            max_length=2 * rules.VAT_ID_MAX,
            description="The buyer's EU VAT number with its country prefix (EL for Greece), printed on the "
            "invoice; spaces, dots and hyphens are ignored",
            examples=["FR40303265045"],
        ),
    ] = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if rules.email_error(value):
            raise PydanticCustomError("email", "must be a valid email address")
        return value

    @field_validator("vat_id")
    @classmethod
    def _vat_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        vat_id = rules.normalize_vat_id(value)
        if error := rules.vat_id_error(vat_id):
            raise PydanticCustomError("vat_id", error)
        return vat_id


class LineIn(_Strict):
    sku: Annotated[str, Field(min_length=1, max_length=rules.SKU_MAX, pattern=rules.SKU_PATTERN)]
    quantity: Annotated[int, Field(description=f"{rules.MIN_QUANTITY}-{rules.MAX_QUANTITY}")]


class PlaceOrderRequest(_Strict):
    """Which products and how many; prices and tax come from the catalog, never from the caller."""

    customer: CustomerIn
    lines: Annotated[list[LineIn], Field(description=f"1-{rules.MAX_LINES} lines, one per SKU")]
    payment_method: Literal["card", "invoice"]
    currency: Annotated[str | None, Field(max_length=8, description="Only the company currency")] = None

    def to_command(self, caller: Caller) -> PlaceOrder:
        address = self.customer.billing_address
        return PlaceOrder(
            customer=Customer(
                email=self.customer.email,
                name=self.customer.name,
                billing_address=BillingAddress(
                    line1=address.line1,
                    line2=address.line2 or None,
                    city=address.city,
                    postal_code=address.postal_code,
                    country=address.country,
                ),
                vat_id=self.customer.vat_id,
            ),
            lines=tuple(RequestedLine(sku=line.sku, quantity=line.quantity) for line in self.lines),
            payment_method=PaymentMethod(self.payment_method),
            placed_by=caller.sub,
            currency=self.currency,
        )


class CancelRequest(_Strict):
    reason: Annotated[str | None, SingleLine(rules.REASON_MAX)] = None


def cancel_command(order_id: str, request: CancelRequest | None) -> CancelOrder:
    """No body or no reason: a customer request."""
    reason = request.reason if request else None
    return CancelOrder(order_id=parse_order_id(order_id), reason=reason or rules.REASON_CUSTOMER_REQUEST)


def ship_command(order_id: str) -> ShipOrder:
    return ShipOrder(order_id=parse_order_id(order_id))


class LineView(BaseModel):
    sku: str
    name: str
    quantity: int
    unit_price: Money
    tax_category: TaxCategory
    tax_rate: Rate
    net: Money


class BillingAddressView(BaseModel):
    line1: str
    line2: str | None = None
    city: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2")


class OrderCustomerView(BaseModel):
    email: str
    name: str
    billing_address: BillingAddressView
    vat_id: str | None = Field(description="The buyer's EU VAT number, if they gave one", examples=["FR40303265045"])


class OrderView(BaseModel):
    """An order as its customer and the company see it; totals are computed by Tandem from the catalog."""

    id: str
    status: OrderStatus = Field(
        description="placed -> awaiting_payment (card) -> confirmed -> shipped; or rejected / cancelled"
    )
    customer: OrderCustomerView
    lines: list[LineView]
    currency: Currency
    payment_method: PaymentMethod
    net_total: Money
    tax_total: Money
    gross_total: Money
    placed_at: datetime
    invoice_id: str | None = Field(description="Set once the order is confirmed and invoiced")
    invoice_number: str | None = Field(description="The invoice's legal number, e.g. INV-2026-000001")

    @classmethod
    def of(cls, order: Order) -> OrderView:
        money = lambda amount: amount_text(amount, order.currency)  # noqa: E731
        return cls(
            id=str(order.id),
            status=order.status,
            customer=OrderCustomerView.model_validate(placement.customer_data(order).model_dump()),
            lines=[
                LineView(
                    sku=li.sku,
                    name=li.name,
                    quantity=li.quantity,
                    unit_price=str(li.unit_price),
                    tax_category=TaxCategory(li.tax_category),
                    tax_rate=rules.rate_text(li.tax_rate),
                    net=money(li.net),
                )
                for li in order.lines
            ],
            currency=order.currency,
            payment_method=order.payment_method,
            net_total=money(order.net_total),
            tax_total=money(order.tax_total),
            gross_total=money(order.gross_total),
            placed_at=order.placed_at,
            invoice_id=order.invoice_id,
            invoice_number=order.invoice_number,
        )


def render(order: Order) -> dict[str, Any]:
    """The order as the API answers it (also what an Idempotency-Key replay answers)."""
    return OrderView.of(order).model_dump(mode="json")


class OrderList(ItemsPage[OrderView]):
    """Orders, newest first."""

    @classmethod
    def of(cls, page: Page[Order]) -> OrderList:
        return cls(items=[OrderView.of(order) for order in page.items], next_token=page.cursor)


def caller_of(event: Mapping[str, Any]) -> Caller:
    """The caller by the token's ``sub``; its email only if Cognito verified it (``email_verified``)."""
    identity = identity_of(event)
    return Caller(sub=identity.sub, verified_email=identity.verified_email, groups=identity.groups)


def body_json(event: Mapping[str, Any]) -> object:
    """The parsed body (already validated by the route's model, so it is JSON), for the fingerprint."""
    body = event.get("body") or "null"
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return json.loads(body)


def keyed_request(event: Mapping[str, Any], key: str | None) -> KeyedRequest:
    """The request's Idempotency-Key (checked by the use case, after the body) and its body."""
    return KeyedRequest(key=key, body=body_json(event))
