"""Commands the inventory context accepts (imperative names, one use case each).

Each validates itself on construction, so every entry point (HTTP, the saga, events) gets the same
rules; the HTTP models check the same rules first only to report every bad field with its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from tandem.inventory.domain import rules
from tandem.inventory.domain.errors import InvalidProduct, InvalidStockRequest
from tandem.inventory.domain.model import TaxCategory

Problems = Iterator[tuple[str, str]]


def _raise(problems: list[tuple[str, str]], error: type[InvalidProduct | InvalidStockRequest]) -> None:
    if problems:
        raise error(details=[{"field": f, "message": m} for f, m in problems])


def _sku(sku: str, field: str = "sku") -> Problems:
    error = rules.sku_error(sku)
    if error:
        yield field, error


@dataclass(frozen=True, slots=True)
class ProductFields:
    """What a product's owner sets: everything but the sku, revision and timestamps."""

    name: str
    unit_price: Decimal
    currency: str
    tax_category: TaxCategory
    reorder_point: int
    reorder_quantity: int
    active: bool = True

    def problems(self) -> Problems:
        for field, error in (
            ("name", rules.text_error(self.name, max_length=rules.NAME_MAX)),
            ("unit_price", rules.price_error(self.unit_price, self.currency)),
            ("reorder_point", rules.quantity_error(self.reorder_point, minimum=0)),
            ("reorder_quantity", rules.quantity_error(self.reorder_quantity)),
        ):
            if error:
                yield field, error


@dataclass(frozen=True, slots=True)
class _ProductCommand:
    """A sku and its fields, both checked on construction."""

    sku: str
    fields: ProductFields

    def __post_init__(self) -> None:
        _raise([*_sku(self.sku), *self.fields.problems()], InvalidProduct)


@dataclass(frozen=True, slots=True)
class CreateProduct(_ProductCommand):
    """Add a product (its sku must be new)."""


@dataclass(frozen=True, slots=True)
class UpdateProduct(_ProductCommand):
    """Replace a product's fields (PUT semantics)."""


@dataclass(frozen=True, slots=True)
class ReceiveStock:
    sku: str
    quantity: int
    reference: str | None = None

    def __post_init__(self) -> None:
        problems = [*_sku(self.sku)]
        if error := rules.quantity_error(self.quantity):
            problems.append(("quantity", error))
        if self.reference is not None and (error := rules.text_error(self.reference, max_length=rules.REFERENCE_MAX)):
            problems.append(("reference", error))
        _raise(problems, InvalidStockRequest)


@dataclass(frozen=True, slots=True)
class AdjustStock:
    sku: str
    delta: int
    reason: str

    def __post_init__(self) -> None:
        problems = [*_sku(self.sku)]
        if (
            isinstance(self.delta, bool)
            or not isinstance(self.delta, int)
            or self.delta == 0
            or abs(self.delta) > rules.MAX_QUANTITY
        ):
            problems.append(
                ("delta", f"must be a non-zero integer between -{rules.MAX_QUANTITY} and {rules.MAX_QUANTITY}")
            )
        if error := rules.text_error(self.reason, max_length=rules.REASON_MAX):
            problems.append(("reason", error))
        _raise(problems, InvalidStockRequest)


@dataclass(frozen=True, slots=True)
class CountStock:
    """Record a physical count: on hand becomes ``counted`` (even below what is reserved)."""

    sku: str
    counted: int
    reason: str | None = None

    def __post_init__(self) -> None:
        problems = [*_sku(self.sku)]
        if error := rules.quantity_error(self.counted, minimum=0):
            problems.append(("counted", error))
        if self.reason is not None and (error := rules.text_error(self.reason, max_length=rules.REASON_MAX)):
            problems.append(("reason", error))
        _raise(problems, InvalidStockRequest)


def _order_id(order_id: str) -> Problems:
    if error := rules.text_error(order_id, max_length=rules.ORDER_ID_MAX):
        yield "order_id", error


@dataclass(frozen=True, slots=True)
class ReserveStock:
    """Reserve every line of an order, or nothing. ``lines`` are merged per sku."""

    order_id: str
    lines: tuple[tuple[str, int], ...]

    def __post_init__(self) -> None:
        problems = [*_order_id(self.order_id)]
        if not self.lines:
            problems.append(("lines", "must not be empty"))
        for index, (sku, quantity) in enumerate(self.lines):
            problems.extend(_sku(sku, f"lines.{index}.sku"))
            if error := rules.quantity_error(quantity):
                problems.append((f"lines.{index}.quantity", error))
        if len(rules.merge_lines(self.lines)) > rules.MAX_LINES:
            problems.append(("lines", f"must name at most {rules.MAX_LINES} different skus"))
        _raise(problems, InvalidStockRequest)
        object.__setattr__(self, "lines", tuple(rules.merge_lines(self.lines)))


@dataclass(frozen=True, slots=True)
class ReleaseStock:
    order_id: str
    reason: str = "released"

    def __post_init__(self) -> None:
        _raise([*_order_id(self.order_id)], InvalidStockRequest)


@dataclass(frozen=True, slots=True)
class ShipOrder:
    order_id: str

    def __post_init__(self) -> None:
        _raise([*_order_id(self.order_id)], InvalidStockRequest)
