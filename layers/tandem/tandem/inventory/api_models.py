"""Request and response models of the inventory API (the edge; the domain never sees them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator
from pydantic_core import PydanticCustomError

from tandem.inventory.domain import rules
from tandem.inventory.domain.commands import AdjustStock, CreateProduct, ProductFields, ReceiveStock, UpdateProduct
from tandem.inventory.domain.model import Movement, Product, PurchaseOrder, StockLevel, TaxCategory
from tandem.shared.paging import Page


def _no_float(value: Any) -> Any:
    """Amounts travel as decimal strings; a JSON float may already have lost a cent."""
    if isinstance(value, float):
        raise PydanticCustomError("decimal_string", 'send amounts as decimal strings, e.g. "19.99"')
    return value


Amount = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False, examples=["19.99"])]
AmountOut = Annotated[Decimal, PlainSerializer(str, return_type=str)]


def _sku_value(value: str) -> str:
    sku = rules.normalize_sku(value)
    if error := rules.sku_error(sku):
        raise PydanticCustomError("sku", error)
    return sku


Sku = Annotated[str, Field(min_length=1, max_length=32, examples=["MUG-001"]), AfterValidator(_sku_value)]
Text = Annotated[str, Field(min_length=1, max_length=rules.NAME_MAX)]
Count = Annotated[int, Field(ge=0, le=rules.MAX_QUANTITY)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProductBody(_Strict):
    """``PUT /products/{sku}``: every field but the sku."""

    name: Text
    unit_price: Amount
    currency: Annotated[str, Field(min_length=3, max_length=3, examples=["EUR"])]
    tax_category: TaxCategory
    reorder_point: Annotated[int, Field(strict=True, ge=0, le=rules.MAX_QUANTITY)]
    reorder_quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]
    active: Annotated[bool, Field(strict=True)] = True

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str) -> str:
        if error := rules.text_error(value, max_length=rules.NAME_MAX):
            raise PydanticCustomError("plain_text", error)
        return value

    @field_validator("unit_price")
    @classmethod
    def _price(cls, value: Decimal) -> Decimal:
        if error := rules.price_error(value):
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


class StockReceipt(_Strict):
    sku: Sku
    quantity: Annotated[int, Field(strict=True, ge=1, le=rules.MAX_QUANTITY)]
    reference: Annotated[str | None, Field(max_length=rules.REFERENCE_MAX)] = None

    def to_command(self) -> ReceiveStock:
        return ReceiveStock(sku=self.sku, quantity=self.quantity, reference=self.reference or None)


class StockAdjustment(_Strict):
    sku: Sku
    delta: Annotated[int, Field(strict=True, ge=-rules.MAX_QUANTITY, le=rules.MAX_QUANTITY)]
    reason: Annotated[str, Field(min_length=1, max_length=rules.REASON_MAX)]

    @field_validator("delta")
    @classmethod
    def _non_zero(cls, value: int) -> int:
        if value == 0:
            raise PydanticCustomError("non_zero", "must not be 0")
        return value

    def to_command(self) -> AdjustStock:
        return AdjustStock(sku=self.sku, delta=self.delta, reason=self.reason)


class ProductView(BaseModel):
    sku: str
    name: str
    unit_price: AmountOut
    currency: str
    tax_category: str
    reorder_point: int
    reorder_quantity: int
    active: bool
    revision: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Product) -> ProductView:
        return cls(
            sku=p.sku,
            name=p.name,
            unit_price=p.unit_price,
            currency=p.currency,
            tax_category=p.tax_category.value,
            reorder_point=p.reorder_point,
            reorder_quantity=p.reorder_quantity,
            active=p.active,
            revision=p.revision,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class ProductList(BaseModel):
    products: list[ProductView]
    next_token: str | None = Field(default=None, description="Pass as ?next_token= for the next page")

    @classmethod
    def of(cls, page: Page[Product]) -> ProductList:
        return cls(products=[ProductView.of(p) for p in page.items], next_token=page.cursor)


class MovementView(BaseModel):
    id: str
    kind: str
    quantity: int
    on_hand_delta: int
    reserved_delta: int
    occurred_at: datetime
    reason: str | None
    reference: str | None

    @classmethod
    def of(cls, m: Movement) -> MovementView:
        return cls(
            id=str(m.id),
            kind=m.kind.value,
            quantity=m.quantity,
            on_hand_delta=m.on_hand_delta,
            reserved_delta=m.reserved_delta,
            occurred_at=m.occurred_at,
            reason=m.reason,
            reference=m.reference,
        )


class StockView(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int
    movements: list[MovementView] = Field(default_factory=list, description="Latest first, at most 50")

    @classmethod
    def of(cls, level: StockLevel, moves: list[Movement] | None = None) -> StockView:
        return cls(
            sku=level.sku,
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
            movements=[MovementView.of(m) for m in moves or []],
        )


class PurchaseOrderView(BaseModel):
    id: str
    sku: str
    quantity: int
    status: Literal["drafted", "received"]
    created_at: datetime
    received_at: datetime | None

    @classmethod
    def of(cls, po: PurchaseOrder) -> PurchaseOrderView:
        return cls(
            id=po.id,
            sku=po.sku,
            quantity=po.quantity,
            status=po.status.value,
            created_at=po.created_at,
            received_at=po.received_at,
        )


class PurchaseOrderList(BaseModel):
    purchase_orders: list[PurchaseOrderView]
    next_token: str | None = None

    @classmethod
    def of(cls, page: Page[PurchaseOrder]) -> PurchaseOrderList:
        return cls(purchase_orders=[PurchaseOrderView.of(p) for p in page.items], next_token=page.cursor)


class ReceivedPurchaseOrder(PurchaseOrderView):
    stock: StockView

    @classmethod
    def of_receipt(cls, po: PurchaseOrder, level: StockLevel) -> ReceivedPurchaseOrder:
        return cls(**PurchaseOrderView.of(po).model_dump(), stock=StockView.of(level))
