"""Commands the sales context accepts (imperative names, one handler each)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tandem.sales.domain import rules
from tandem.sales.domain.errors import InvalidOrder


class PaymentMethod(StrEnum):
    CARD = "card"
    INVOICE = "invoice"


@dataclass(frozen=True, slots=True)
class BillingAddress:
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    line2: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    email: str
    name: str
    billing_address: BillingAddress


@dataclass(frozen=True, slots=True)
class RequestedLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Place an order for ``customer``; prices come from the catalog, never from the caller."""

    customer: Customer
    lines: tuple[RequestedLine, ...]
    payment_method: PaymentMethod
    placed_by: str  # the caller's ``sub``
    currency: str | None = None  # None: the company currency

    def problems(self) -> list[tuple[str, str]]:
        """Every broken line rule that needs no catalog, as (field, message)."""
        return list(_problems(self))

    def check_shape(self) -> None:
        """Refuse an empty or oversized order before anything is read (a batch read holds 100 keys)."""
        if not self.lines or len(self.lines) > rules.MAX_LINES:
            raise InvalidOrder(details=[{"field": f, "message": m} for f, m in self.problems()])


def _problems(command: PlaceOrder) -> Iterator[tuple[str, str]]:
    """Every broken line rule as (field, message), fields named ``lines[i].quantity``."""
    if not command.lines:
        yield "lines", "must contain at least one line"
    if len(command.lines) > rules.MAX_LINES:
        yield "lines", f"must contain at most {rules.MAX_LINES} lines"
    seen: set[str] = set()
    for index, line in enumerate(command.lines):
        if not rules.MIN_QUANTITY <= line.quantity <= rules.MAX_QUANTITY:
            yield f"lines[{index}].quantity", f"must be between {rules.MIN_QUANTITY} and {rules.MAX_QUANTITY}"
        if line.sku in seen:
            yield f"lines[{index}].sku", "appears on more than one line; order it once with the total quantity"
        seen.add(line.sku)


@dataclass(frozen=True, slots=True)
class Shortage:
    sku: str
    requested: int
    available: int


@dataclass(frozen=True, slots=True)
class ReceivedPayment:
    """A payment billing received for an order (from PaymentReceived)."""

    payment_id: str
    amount: Decimal
    currency: str
