"""Commands the sales context accepts (imperative names, one handler each), the values they carry, and
who asks (``Caller``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tandem.sales.domain import rules
from tandem.sales.domain.errors import InvalidOrder, OrderNotFound

STAFF_GROUPS = frozenset({"sales", "finance", "inventory", "admin"})
ORDERING_STAFF = frozenset({"sales", "admin"})  # may order on behalf of any customer


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
    vat_id: str | None = None  # an EU VAT number (checked by rules.vat_id_error), printed on the invoice


@dataclass(frozen=True, slots=True)
class RequestedLine:
    sku: str
    quantity: int


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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls, from the token: ``sub`` (who they are), ``email`` only when Cognito verified it (a
    contact detail, never a key for access) and Cognito groups."""

    sub: str
    verified_email: str | None
    groups: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return bool(self.groups & STAFF_GROUPS)

    @property
    def orders_for_anyone(self) -> bool:
        return bool(self.groups & ORDERING_STAFF)

    def may_see(self, owner_sub: str | None) -> bool:
        """Staff see every order, a customer the orders they placed themselves (owned by their ``sub``)."""
        return self.is_staff or (owner_sub is not None and owner_sub == self.sub)

    def may_order_for(self, email: str) -> bool:
        """Sales staff order for anyone; a customer for their own VERIFIED email (normalised: spaces, case)."""
        return self.orders_for_anyone or rules.same_email(email, self.verified_email)

    def owner_of_new_order(self) -> str | None:
        """Who an order this caller places belongs to: the customer's ``sub``; none when staff place it."""
        return None if self.orders_for_anyone else self.sub


def parse_order_id(text: str) -> UUID:
    """The order id in a path; anything that is not a UUID names no order (``OrderNotFound``)."""
    try:
        return UUID(text)
    except ValueError:
        raise OrderNotFound(details={"id": text[:64]}) from None


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
    vat_id = command.customer.vat_id
    if vat_id is not None and (error := rules.vat_id_error(vat_id)):
        yield "customer.vat_id", error
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
class CancelOrder:
    """Cancel on request (the API) or as the saga's compensation."""

    order_id: UUID
    reason: str = rules.REASON_CUSTOMER_REQUEST


@dataclass(frozen=True, slots=True)
class ShipOrder:
    order_id: UUID


@dataclass(frozen=True, slots=True)
class BeginFulfillment:
    """Saga: make ``execution_id`` the one fulfillment execution of the order."""

    order_id: UUID
    execution_id: str


@dataclass(frozen=True, slots=True)
class RejectOrder:
    """Saga: stock was short."""

    order_id: UUID
    shortages: tuple[Shortage, ...] = ()


@dataclass(frozen=True, slots=True)
class AwaitPayment:
    """Saga: wait for the card payment; ``task_token`` completes the waiting task."""

    order_id: UUID
    task_token: str


@dataclass(frozen=True, slots=True)
class ConfirmOrder:
    """Saga: stock is reserved and the invoice issued."""

    order_id: UUID
    invoice_id: str
    invoice_number: str


@dataclass(frozen=True, slots=True)
class RecordPayment:
    """Record a payment billing received on its order; ``order_id`` as billing sent it (maybe none, maybe
    not one sales issued: both are outcomes, not failures)."""

    order_id: str | None
    payment: ReceivedPayment


@dataclass(frozen=True, slots=True)
class UpdateCatalog:
    """Keep one revision of an inventory product in sales' catalog (the newest wins)."""

    sku: str
    name: str
    unit_price: Decimal
    currency: str
    tax_category: str
    active: bool
    revision: int
