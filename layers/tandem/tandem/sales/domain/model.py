"""The Order aggregate and the catalog entries sales prices orders from.

Statuses and the moves between them::

    placed ──► awaiting_payment ──► confirmed ──► shipped
      │  └──────────────┬──────────────┘  │
      ├──► rejected ◄───┘                  │
      └──► cancelled ◄─────────────────────┘  (from placed, awaiting_payment, confirmed)

``version`` is the stored item's version: every write is conditional on it (optimistic locking).
Changes record events in ``events``; the unit of work turns them into outbox items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal
from uuid import UUID

from tandem.sales.domain import rules
from tandem.sales.domain.commands import Customer, PaymentMethod, ReceivedPayment, Shortage
from tandem.sales.domain.errors import (
    InvalidTransition,
    OrderNotCancellable,
    OrderNotConfirmable,
    OrderNotShippable,
    PaymentAlreadyReceived,
    SagaAlreadyStarted,
)
from tandem.sales.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderRejected,
    OrderShipped,
    QuantityData,
    ShortageData,
)
from tandem.shared.envelope import DomainEvent

TaxRoundingName = Literal["line", "total"]  # tandem.shared.pricing.TaxRounding, as OrderPlaced spells it


class OrderStatus(StrEnum):
    PLACED = "placed"
    AWAITING_PAYMENT = "awaiting_payment"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLACED: frozenset(
        {OrderStatus.AWAITING_PAYMENT, OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.CANCELLED}
    ),
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.SHIPPED: frozenset(),
}
CANCELLABLE = frozenset({OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT, OrderStatus.CONFIRMED})
REJECTABLE = frozenset({OrderStatus.PLACED, OrderStatus.AWAITING_PAYMENT})  # the saga has not confirmed it yet
CLOSED = frozenset({OrderStatus.CANCELLED, OrderStatus.REJECTED})  # closed without being delivered


@dataclass(frozen=True, slots=True)
class Product:
    """Sales' read model of an inventory product: what it needs to price a line."""

    sku: str
    name: str
    unit_price: Decimal
    currency: str
    tax_category: str
    active: bool
    revision: int


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal  # fraction, fixed when the order was placed
    net: Decimal


@dataclass
class Order:
    id: UUID
    customer: Customer
    lines: tuple[OrderLine, ...]
    currency: str
    payment_method: PaymentMethod
    tax_rounding: TaxRoundingName
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    placed_at: datetime
    placed_by: str
    status: OrderStatus = OrderStatus.PLACED
    customer_sub: str | None = None  # the owning customer's token ``sub``; None: placed by staff for someone
    version: int = 0  # 0: never stored
    saga_execution_id: str | None = None
    task_token: str | None = None
    payment: ReceivedPayment | None = None
    invoice_id: str | None = None
    invoice_number: str | None = None
    close_reason: str | None = None
    correlation_id: str | None = None  # of the request that placed it: the saga's events carry it on
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    # ---- transitions
    def _move(self, to: OrderStatus, error: type[InvalidTransition] = InvalidTransition) -> None:
        if to not in TRANSITIONS[self.status]:
            raise error(details={"order_id": str(self.id), "status": self.status.value})
        self.status = to

    def claim_saga(self, execution_id: str) -> bool:
        """Make ``execution_id`` the one saga of this order; True if that changed anything."""
        if self.saga_execution_id == execution_id:
            return False
        if self.saga_execution_id is not None:
            raise SagaAlreadyStarted(details={"order_id": str(self.id)})
        self.saga_execution_id = execution_id
        return True

    def reject(self, shortages: Iterable[Shortage]) -> bool:
        """Out of stock: only an order the saga has not confirmed yet; otherwise nothing changes."""
        if self.status not in REJECTABLE:
            return False
        self._move(OrderStatus.REJECTED)
        self.close_reason = rules.REASON_OUT_OF_STOCK
        self.task_token = None
        payment_id, paid_amount = self._refund()
        self.events.append(
            OrderRejected(
                order_id=self.id,
                customer_email=self.customer.email,
                reason=rules.REASON_OUT_OF_STOCK,
                shortages=[ShortageData(sku=s.sku, requested=s.requested, available=s.available) for s in shortages],
                payment_id=payment_id,
                paid_amount=paid_amount,
            )
        )
        return True

    def await_payment(self, task_token: str) -> bool:
        """Remember the saga's task token; the status says the order waits for its card payment."""
        if self.status is OrderStatus.PLACED:
            self._move(OrderStatus.AWAITING_PAYMENT)
        elif self.status is not OrderStatus.AWAITING_PAYMENT or self.task_token == task_token:
            return False
        self.task_token = task_token
        return True

    def record_payment(self, payment: ReceivedPayment) -> bool:
        """Keep a covering payment, so an ``await_payment`` that comes later completes at once."""
        if self.payment is not None:
            return False
        self.payment = payment
        return True

    def covered_by(self, amount: Decimal, currency: str) -> bool:
        return currency == self.currency and amount >= self.gross_total

    @property
    def is_paid(self) -> bool:
        """A covering payment is recorded on the order."""
        return self.payment is not None and self.covered_by(self.payment.amount, self.payment.currency)

    def _refund(self) -> tuple[str | None, Decimal | None]:
        """``payment_id`` / ``paid_amount`` for the closing events: what must be refunded, if anything."""
        if self.payment is None:
            return None, None
        return self.payment.payment_id, self.payment.amount

    def confirm(self, invoice_id: str, invoice_number: str) -> bool:
        """Confirm with the invoice; a repeat with the same invoice (also after shipping) changes nothing."""
        if self.status in (OrderStatus.CONFIRMED, OrderStatus.SHIPPED) and self.invoice_id == invoice_id:
            return False
        self._move(OrderStatus.CONFIRMED, OrderNotConfirmable)
        self.invoice_id, self.invoice_number, self.task_token = invoice_id, invoice_number, None
        self.events.append(
            OrderConfirmed(
                order_id=self.id,
                customer_email=self.customer.email,
                invoice_id=invoice_id,
                invoice_number=invoice_number,
            )
        )
        return True

    def cancel(self, reason: str, *, by_saga: bool = False) -> bool:
        """Cancel; False if already cancelled. The saga's own cancel (compensation) never fails and
        drops the task token: the saga is not waiting on it any more. Except: the saga's
        ``payment_timeout`` of an order whose covering payment arrived meanwhile is
        ``PaymentAlreadyReceived`` (nothing changes; the saga invoices instead)."""
        if self.status is OrderStatus.CANCELLED:
            return False
        if self.status not in CANCELLABLE:
            if by_saga:
                return False
            raise OrderNotCancellable(details={"order_id": str(self.id), "status": self.status.value})
        was_confirmed = self.status is OrderStatus.CONFIRMED
        if by_saga and reason == rules.REASON_PAYMENT_TIMEOUT and not was_confirmed and self.is_paid:
            raise PaymentAlreadyReceived(details={"order_id": str(self.id), "status": self.status.value})
        self._move(OrderStatus.CANCELLED, OrderNotCancellable)
        self.close_reason = reason
        if by_saga:
            self.task_token = None
        payment_id, paid_amount = self._refund()
        self.events.append(
            OrderCancelled(
                order_id=self.id,
                customer_email=self.customer.email,
                reason=reason,
                was_confirmed=was_confirmed,
                invoice_id=self.invoice_id,
                payment_id=payment_id,
                paid_amount=paid_amount,
            )
        )
        return True

    def ship(self) -> bool:
        """Record that the goods left; True. Unlike the saga's steps a repeat is refused, not ignored
        (``OrderNotShippable``): the warehouse must not report one parcel twice without hearing of it."""
        self._move(OrderStatus.SHIPPED, OrderNotShippable)
        self.events.append(
            OrderShipped(
                order_id=self.id,
                customer_email=self.customer.email,
                lines=[QuantityData(sku=li.sku, quantity=li.quantity) for li in self.lines],
            )
        )
        return True
