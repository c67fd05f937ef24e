"""Request and response models of the inventory API (the edge; the domain never sees them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import (
    AdjustStock,
    CountStock,
    CreateProduct,
    ProductFields,
    ReceiveStock,
    UpdateProduct,
)
from tandem.inventory.domain.model import (
    Movement,
    MovementKind,
    Product,
    PurchaseOrder,
    PurchaseOrderStatus,
    StockLevel,
    TaxCategory,
)
from tandem.shared import request_keys
from tandem.shared.auth import claims_of
from tandem.shared.openapi import Currency, ItemsPage, Money
from tandem.shared.paging import Page
from tandem.shared.request_keys import Reply
from tandem.shared.text import SingleLine


def _no_float(value: Any) -> Any:
    """Amounts travel as decimal strings; a JSON float may already have lost a cent."""
    if isinstance(value, float):
        raise PydanticCustomError("decimal_string", 'send amounts as decimal strings, e.g. "19.99"')
    return value


Amount = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False, examples=["19.99"])]


def _sku_value(value: str) -> str:
    sku = rules.normalize_sku(value)
    if error := rules.sku_error(sku):
        raise PydanticCustomError("sku", error)
    return sku


Sku = Annotated[str, Field(min_length=1, max_length=32, examples=["MUG-001"]), AfterValidator(_sku_value)]
Count = Annotated[int, Field(ge=0, le=rules.MAX_QUANTITY)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Booking(_Strict):
    """A stock booking's body: answered with the stock after it, once per Idempotency-Key."""

    def reply(self, event: Mapping[str, Any], key: str | None) -> Reply[StockLevel]:
        """How the booking is answered (also what an Idempotency-Key replay answers), with the request's
        Idempotency-Key ``key`` (checked here, after the body), scoped to the caller (the token's ``sub``);
        the fingerprint covers the route too, so one key cannot be replayed across routes."""
        route = f"{type(self).__name__}:{self.model_dump_json()}"
        return Reply(
            render=lambda level: StockView.of(level).model_dump(mode="json"),
            fingerprint=request_keys.fingerprint(route),
            caller=claims_of(event).get("sub"),
            key=request_keys.checked(key),
        )


class ProductBody(_Strict):
    """``PUT /products/{sku}``: every field but the sku."""

    name: Annotated[str, SingleLine(rules.NAME_MAX)]
    # currency before unit_price: the price's check needs it (validated in declaration order)
    currency: Annotated[str, Field(min_length=3, max_length=3, examples=["EUR"])]
    unit_price: Amount
    tax_category: TaxCategory
    reorder_point: Annotated[int, Field(strict=True, ge=0, le=rules.MAX_QUANTITY)]
    reorder_quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]
    active: Annotated[bool, Field(strict=True)] = True

    @field_validator("unit_price")
    @classmethod
    def _price(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        """No finer than the currency's minor unit (whole yen for JPY) when the currency is valid."""
        currency = info.data.get("currency")
        if error := rules.price_error(value, currency.upper() if isinstance(currency, str) else None):
            raise PydanticCustomError("price", error)
        return value

    def fields(self) -> ProductFields:
        return ProductFields(
            name=self.name,
            unit_price=self.unit_price,
            currency=self.currency.upper(),
            tax_category=self.tax_category,
            reorder_point=self.reorder_point,
            reorder_quantity=self.reorder_quantity,
            active=self.active,
        )

    def to_update(self, sku: str) -> UpdateProduct:
        return UpdateProduct(sku=rules.normalize_sku(sku), fields=self.fields())


class NewProduct(ProductBody):
    """``POST /products``."""

    sku: Sku

    def to_command(self) -> CreateProduct:
        return CreateProduct(sku=self.sku, fields=self.fields())


class StockReceipt(_Booking):
    sku: Sku
    quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]
    reference: Annotated[str | None, SingleLine(rules.REFERENCE_MAX, min_length=0)] = None

    def to_command(self) -> ReceiveStock:
        return ReceiveStock(sku=self.sku, quantity=self.quantity, reference=self.reference or None)


class StockAdjustment(_Booking):
    sku: Sku
    delta: Annotated[int, Field(strict=True, ge=-rules.MAX_QUANTITY, le=rules.MAX_QUANTITY)]
    reason: Annotated[str, SingleLine(rules.REASON_MAX)]

    @field_validator("delta")
    @classmethod
    def _non_zero(cls, value: int) -> int:
        if value == 0:
            raise PydanticCustomError("non_zero", "must not be 0")
        return value

    def to_command(self) -> AdjustStock:
        return AdjustStock(sku=self.sku, delta=self.delta, reason=self.reason)


class StockCount(_Booking):
    """What a physical count found for a sku: on hand becomes ``counted``, even below what is reserved."""

    sku: Sku
    counted: Annotated[int, Field(strict=True, ge=0, le=rules.MAX_QUANTITY, description="Units found")]
    reason: Annotated[str | None, Field(examples=["Quarterly stock take"]), SingleLine(rules.REASON_MAX)] = None

    def to_command(self) -> CountStock:
        return CountStock(sku=self.sku, counted=self.counted, reason=self.reason)


class ProductView(BaseModel):
    """A product of the catalog, priced in the company currency."""

    sku: str = Field(examples=["MUG-001"])
    name: str
    unit_price: Money = Field(description="Net price of one unit (tax comes from tax_category)")
    currency: Currency
    tax_category: TaxCategory
    reorder_point: int = Field(
        description="At or below this many available units the reorder check drafts a purchase order"
    )
    reorder_quantity: int = Field(description="How many units such a purchase order orders")
    active: bool = Field(description="Only active products are listed in the catalog and can be ordered")
    revision: int = Field(description="1 when created, one more with every change")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Product) -> ProductView:
        return cls(
            sku=p.sku,
            name=p.name,
            unit_price=str(p.unit_price),
            currency=p.currency,
            tax_category=p.tax_category,
            reorder_point=p.reorder_point,
            reorder_quantity=p.reorder_quantity,
            active=p.active,
            revision=p.revision,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class ProductList(ItemsPage[ProductView]):
    """Active products of the catalog, by sku."""

    @classmethod
    def of(cls, page: Page[Product]) -> ProductList:
        return cls(items=[ProductView.of(p) for p in page.items], next_token=page.cursor)


class MovementView(BaseModel):
    """One entry of a product's stock ledger; written once, never changed."""

    id: str
    kind: MovementKind
    quantity: int = Field(
        description="What the movement is about: positive, but an adjustment's or a count's signed delta"
    )
    on_hand_delta: int
    reserved_delta: int
    occurred_at: datetime
    reason: str | None = Field(description="An adjustment's or a count's reason")
    reference: str | None = Field(description="The order, the purchase order or the receipt's delivery note")

    @classmethod
    def of(cls, m: Movement) -> MovementView:
        return cls(
            id=str(m.id),
            kind=m.kind,
            quantity=m.quantity,
            on_hand_delta=m.on_hand_delta,
            reserved_delta=m.reserved_delta,
            occurred_at=m.occurred_at,
            reason=m.reason,
            reference=m.reference,
        )


class StockView(BaseModel):
    """A product's stock: available = on_hand - reserved, never below zero. After a count found fewer units
    than are reserved, available is 0 and at_risk = reserved - on_hand."""

    sku: str
    on_hand: int
    reserved: int = Field(description="Promised to orders that have not shipped")
    available: int = Field(description="What can still be reserved: on_hand - reserved, at least 0")
    at_risk: int = Field(
        description="Reserved units no stock stands behind (a count found fewer): reserved - on_hand, or 0"
    )
    movements: list[MovementView] = Field(
        default_factory=list, description="Latest first, at most 50 (only GET /stock/{sku} lists them)"
    )

    @classmethod
    def of(cls, level: StockLevel, moves: list[Movement] | None = None) -> StockView:
        return cls(
            sku=level.sku,
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
            at_risk=level.at_risk,
            movements=[MovementView.of(m) for m in moves or []],
        )


class PurchaseOrderView(BaseModel):
    """An order to the supplier for one sku, drafted by the reorder check."""

    id: str
    sku: str
    quantity: int
    status: PurchaseOrderStatus = Field(description="drafted -> received")
    created_at: datetime
    received_at: datetime | None

    @classmethod
    def of(cls, po: PurchaseOrder) -> PurchaseOrderView:
        return cls(
            id=po.id,
            sku=po.sku,
            quantity=po.quantity,
            status=po.status,
            created_at=po.created_at,
            received_at=po.received_at,
        )


class PurchaseOrderList(ItemsPage[PurchaseOrderView]):
    """Purchase orders, newest first."""

    @classmethod
    def of(cls, page: Page[PurchaseOrder]) -> PurchaseOrderList:
        return cls(items=[PurchaseOrderView.of(p) for p in page.items], next_token=page.cursor)


class ReceivedPurchaseOrder(PurchaseOrderView):
    """A purchase order just received, with the stock it was booked into."""

    stock: StockView

    @classmethod
    def of_receipt(cls, po: PurchaseOrder, level: StockLevel) -> ReceivedPurchaseOrder:
        return cls(**PurchaseOrderView.of(po).model_dump(), stock=StockView.of(level))
