"""Placing an order: check the lines against the catalog, price them, record OrderPlaced.

Prices, names and tax categories come from sales' catalog read model; tax rates from the
configured rates by category. The client only says which SKUs and how many.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from tandem.sales.domain.commands import PlaceOrder
from tandem.sales.domain.errors import CurrencyNotSupported, InvalidOrder
from tandem.sales.domain.events import BillingAddressData, CustomerData, OrderLineData, OrderPlaced
from tandem.sales.domain.model import Order, OrderLine, Product, TaxRoundingName
from tandem.sales.domain.rules import in_minor_units, two_places
from tandem.shared.money import minor_unit_error
from tandem.shared.pricing import LineInput, TaxRounding, price_lines


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    """How orders are priced: the company currency, VAT rates by category, the rounding mode
    (EN 16931's ``total`` unless ``TAX_ROUNDING=line`` opts out of it)."""

    base_currency: str
    tax_rates: Mapping[str, Decimal]
    rounding: TaxRounding = TaxRounding.TOTAL

    @property
    def rounding_name(self) -> TaxRoundingName:
        """The rounding mode as an order stores it and OrderPlaced spells it."""
        return "total" if self.rounding is TaxRounding.TOTAL else "line"


def check_currency(command: PlaceOrder, policy: PricingPolicy) -> None:
    """Refuse a foreign currency before anything is read."""
    if command.currency is not None and command.currency != policy.base_currency:
        raise CurrencyNotSupported(details=[{"field": "currency", "message": f"must be {policy.base_currency}"}])


def _line_problems(
    command: PlaceOrder, catalog: Mapping[str, Product], policy: PricingPolicy
) -> Iterator[tuple[str, str]]:
    for index, line in enumerate(command.lines):
        product = catalog.get(line.sku)
        field = f"lines[{index}].sku"
        if product is None:
            yield field, "is not a product we sell"
        elif not product.active:
            yield field, "is no longer sold"
        elif product.currency != policy.base_currency:
            yield field, f"is not priced in {policy.base_currency}"
        elif product.tax_category not in policy.tax_rates:
            yield field, f"has tax category {product.tax_category!r}, which has no configured rate"
        elif price_error := minor_unit_error(product.unit_price, policy.base_currency):
            # The catalog refuses such prices; a product priced before the company currency changed may not.
            yield field, f"has unit price {product.unit_price}, which {price_error}"


def _line_order(problem: tuple[str, str]) -> tuple[int, str]:
    """``lines`` first, then by line number (``lines[10]`` after ``lines[9]``), then by field."""
    field = problem[0]
    number = field.partition("[")[2].partition("]")[0]
    return (int(number) + 1 if number.isdigit() else 0, field)


def place(
    command: PlaceOrder,
    catalog: Mapping[str, Product],
    policy: PricingPolicy,
    *,
    order_id: UUID,
    now: datetime,
    customer_sub: str | None = None,
) -> Order:
    """A new order in status ``placed`` with its OrderPlaced event, or ``InvalidOrder`` listing every bad line.
    ``customer_sub``: the token ``sub`` of the customer who places it and owns it (None: staff place it)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    check_currency(command, policy)
    problems = sorted(command.problems() + list(_line_problems(command, catalog, policy)), key=_line_order)
    if problems:
        raise InvalidOrder(details=[{"field": f, "message": m} for f, m in problems])
    products = [catalog[line.sku] for line in command.lines]
    inputs = [
        LineInput(
            quantity=line.quantity,
            unit_price=in_minor_units(product.unit_price, policy.base_currency),
            tax_rate=two_places(policy.tax_rates[product.tax_category]),
            tax_category=product.tax_category,
        )
        for line, product in zip(command.lines, products, strict=True)
    ]
    priced = price_lines(inputs, currency=policy.base_currency, rounding=policy.rounding)
    lines = tuple(
        OrderLine(
            sku=product.sku,
            name=product.name,
            quantity=given.quantity,
            unit_price=given.unit_price,
            tax_category=given.tax_category,
            tax_rate=given.tax_rate,
            net=amounts.net,
        )
        for product, given, amounts in zip(products, inputs, priced.lines, strict=True)
    )
    order = Order(
        id=order_id,
        customer=command.customer,
        lines=lines,
        currency=policy.base_currency,
        payment_method=command.payment_method,
        tax_rounding=policy.rounding_name,
        net_total=priced.net_total,
        tax_total=priced.tax_total,
        gross_total=priced.gross_total,
        placed_at=now,
        placed_by=command.placed_by,
        customer_sub=customer_sub,
    )
    order.events.append(
        OrderPlaced(
            order_id=order.id,
            customer=customer_data(order),
            lines=order_lines_data(order),
            currency=order.currency,
            payment_method=order.payment_method.value,
            net_total=order.net_total,
            tax_total=order.tax_total,
            gross_total=order.gross_total,
            tax_rounding=order.tax_rounding,
            placed_at=now,
            customer_sub=order.customer_sub,
        )
    )
    return order


def customer_data(order: Order) -> CustomerData:
    """The contract's customer: ``{email, name, billing_address}``."""
    address = order.customer.billing_address
    return CustomerData(
        email=order.customer.email,
        name=order.customer.name,
        billing_address=BillingAddressData(
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            postal_code=address.postal_code,
            country=address.country,
        ),
        vat_id=order.customer.vat_id,
    )


def order_lines_data(order: Order) -> list[OrderLineData]:
    """The contract's "order lines" (no net: consumers price with the shared calculation)."""
    return [
        OrderLineData(
            sku=li.sku,
            name=li.name,
            quantity=li.quantity,
            unit_price=li.unit_price,
            tax_category=li.tax_category,
            tax_rate=li.tax_rate,
        )
        for li in order.lines
    ]
