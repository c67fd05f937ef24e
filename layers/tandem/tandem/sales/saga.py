"""The sales tasks of the OrderFulfillment saga (``{"action": ...}`` from Step Functions,
docs/order-to-cash.md): each action's input model, and the service use case it runs."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from tandem.sales.domain import placement
from tandem.sales.domain.commands import (
    AwaitPayment,
    BeginFulfillment,
    CancelOrder,
    ConfirmOrder,
    RejectOrder,
    Shortage,
)
from tandem.sales.domain.errors import InvalidSagaInput
from tandem.sales.domain.model import Order
from tandem.sales.service import SagaStep, SalesService
from tandem.shared.clock import iso
from tandem.shared.saga import SagaAction, SagaActions


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    order_id: UUID
    # From ``begin``'s result and ``$$.Execution.Id``: the correlation / causation of recorded events.
    correlation_id: str | None = Field(default=None, max_length=128)
    execution_id: str | None = Field(default=None, max_length=2048)

    def step(self, action: str) -> SagaStep:
        return SagaStep(action=action, execution_id=self.execution_id, correlation_id=self.correlation_id)


class BeginInput(_Input):
    execution_id: str = Field(min_length=1, max_length=2048)  # required here: it claims the order

    def to_command(self) -> BeginFulfillment:
        return BeginFulfillment(order_id=self.order_id, execution_id=self.execution_id)


class ShortageInput(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    sku: str
    requested: int
    available: int


class RejectInput(_Input):
    shortages: list[ShortageInput] = Field(default_factory=list)

    def to_command(self) -> RejectOrder:
        return RejectOrder(
            order_id=self.order_id, shortages=tuple(Shortage(s.sku, s.requested, s.available) for s in self.shortages)
        )


class AwaitPaymentInput(_Input):
    task_token: str = Field(min_length=1, max_length=8192)

    def to_command(self) -> AwaitPayment:
        return AwaitPayment(order_id=self.order_id, task_token=self.task_token)


class ConfirmInput(_Input):
    invoice_id: str = Field(min_length=1, max_length=128)
    invoice_number: str = Field(min_length=1, max_length=64)

    def to_command(self) -> ConfirmOrder:
        return ConfirmOrder(order_id=self.order_id, invoice_id=self.invoice_id, invoice_number=self.invoice_number)


class CancelInput(_Input):
    reason: str = Field(min_length=1, max_length=500)

    def to_command(self) -> CancelOrder:
        return CancelOrder(order_id=self.order_id, reason=self.reason)


def order_document(order: Order, *, payment_timeout_seconds: int) -> dict[str, object]:
    """What ``begin`` returns: the order as the saga's next steps (and billing's invoice) need it."""
    return {
        "order_id": str(order.id),
        "status": order.status.value,
        "correlation_id": order.correlation_id or str(order.id),
        "customer": placement.customer_data(order).model_dump(),
        "lines": [
            {**line.model_dump(), "unit_price": str(line.unit_price), "tax_rate": str(line.tax_rate)}
            for line in placement.order_lines_data(order)
        ],
        "currency": order.currency,
        "payment_method": order.payment_method.value,
        "net_total": str(order.net_total),
        "tax_total": str(order.tax_total),
        "gross_total": str(order.gross_total),
        "tax_rounding": order.tax_rounding,
        "placed_at": iso(order.placed_at),  # its day is the invoice's date of supply
        "payment_timeout_seconds": int(payment_timeout_seconds),
        "customer_sub": order.customer_sub,  # the owner billing records on the invoice (None: staff placed it)
    }


def status_of(order: Order) -> dict[str, str]:
    """What every other step returns."""
    return {"order_id": str(order.id), "status": order.status.value}


def actions(service: SalesService) -> SagaActions:
    """The five actions, each validated by its input model (``InvalidSagaInput``) and run by ``service``."""

    def begin(given: BeginInput) -> dict[str, object]:
        order = service.begin_fulfillment(given.to_command(), given.step("begin"))
        return order_document(order, payment_timeout_seconds=service.payment_timeout_seconds)

    def reject(given: RejectInput) -> dict[str, str]:
        return status_of(service.reject_order(given.to_command(), given.step("reject")))

    def await_payment(given: AwaitPaymentInput) -> dict[str, str]:
        return status_of(service.await_payment(given.to_command(), given.step("await_payment")))

    def confirm(given: ConfirmInput) -> dict[str, str]:
        return status_of(service.confirm_order(given.to_command(), given.step("confirm")))

    def cancel(given: CancelInput) -> dict[str, str]:
        return status_of(service.cancel_by_saga(given.to_command(), given.step("cancel")))

    return SagaActions(
        {
            "begin": SagaAction(BeginInput, begin),
            "reject": SagaAction(RejectInput, reject),
            "await_payment": SagaAction(AwaitPaymentInput, await_payment),
            "confirm": SagaAction(ConfirmInput, confirm),
            "cancel": SagaAction(CancelInput, cancel),
        },
        invalid_input=InvalidSagaInput,
    )
