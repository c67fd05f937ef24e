"""The billing steps of the order-fulfillment saga: ``issue_invoice``, ``send_confirmation``, ``credit_order``.

Every action is idempotent (the contract in docs/order-to-cash.md): called twice with the same input it
changes nothing the second time and returns the same result. Errors are raised by class name for the
state machine's Catch/Retry: an unknown action is ``UnknownSagaAction``, an invalid input ``InvalidOrder``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from tandem.billing.domain.commands import CreditOrder, Customer, IssueInvoice, OrderLine
from tandem.billing.domain.errors import InvalidOrder
from tandem.billing.service import BillingService
from tandem.shared.correlation import MessageContext, from_saga
from tandem.shared.pricing import TaxRounding
from tandem.shared.saga import SagaAction, SagaActions

Text = Annotated[str, Field(min_length=1, max_length=200)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AddressIn(_Input):
    line1: Text
    line2: Annotated[str, Field(max_length=200)] | None = None
    city: Text
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    country: Annotated[str, Field(min_length=2, max_length=2)]


class CustomerIn(_Input):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    name: Text
    billing_address: AddressIn
    vat_id: Annotated[str, Field(min_length=4, max_length=20)] | None = None


class OrderLineIn(_Input):
    sku: Annotated[str, Field(min_length=1, max_length=64)]
    name: Text
    quantity: Annotated[int, Field(ge=1)]
    unit_price: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    tax_category: Annotated[str, Field(min_length=1, max_length=32)]
    tax_rate: Annotated[Decimal, Field(ge=0, lt=1, allow_inf_nan=False)]


class OrderIn(_Input):
    """The order as the saga's ``begin`` step returns it."""

    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    customer: CustomerIn
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=90)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    payment_method: Literal["card", "invoice"]
    tax_rounding: TaxRounding = TaxRounding.TOTAL
    placed_at: AwareDatetime | None = None
    customer_sub: Annotated[str, Field(min_length=1, max_length=128)] | None = None  # the owner (None: staff)

    def to_command(self) -> IssueInvoice:
        address = self.customer.billing_address.model_dump()
        customer = Customer(self.customer.email, self.customer.name, address, self.customer.vat_id)
        lines = tuple(
            OrderLine(line.sku, line.name, line.quantity, line.unit_price, line.tax_category, line.tax_rate)
            for line in self.lines
        )
        return IssueInvoice(
            order_id=self.order_id,
            customer=customer,
            lines=lines,
            currency=self.currency,
            payment_terms=self.payment_method,
            tax_rounding=self.tax_rounding,
            placed_at=self.placed_at,
            customer_sub=self.customer_sub,
        )


class _Task(_Input):
    correlation_id: JsonValue = None  # the saga's correlation, else the order id
    execution_id: JsonValue = None  # the Step Functions execution: what caused the events of the task

    def context(self, fallback: str) -> MessageContext:
        execution = self.execution_id
        return from_saga(str(self.correlation_id or fallback)[:128], str(execution) if execution else None, fallback)


class IssueInvoiceTask(_Task):
    action: Literal["issue_invoice"]
    order: OrderIn


class InvoiceRefIn(_Input):
    invoice_id: str


class SendConfirmationTask(_Task):
    action: Literal["send_confirmation"]
    invoice: InvoiceRefIn
    order: dict[str, Any] | None = None


class CreditOrderTask(_Task):
    action: Literal["credit_order"]
    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(min_length=1, max_length=500)] = "order cancelled"


def actions(service: BillingService) -> SagaActions:
    """The billing task actions, performed by ``service``."""

    def issue_invoice(task: IssueInvoiceTask) -> dict[str, Any]:
        invoice = service.issue_invoice(task.order.to_command(), task.context(task.order.order_id)).invoice
        return {
            "invoice_id": str(invoice.id),
            "number": invoice.number,
            "gross_total": str(invoice.gross_total),
            "status": invoice.status.value,
        }

    def send_confirmation(task: SendConfirmationTask) -> dict[str, Any]:
        """Records no events (a mail and a marker), so correlation only reaches the logs."""
        return {"message_id": service.send_confirmation(task.invoice.invoice_id)}

    def credit_order(task: CreditOrderTask) -> dict[str, Any]:
        """The saga's compensation (docs/order-to-cash.md): a full credit note for the order's invoice, if any."""
        outcome = service.credit_order(CreditOrder(task.order_id, task.reason), task.context(task.order_id))
        note = outcome.note
        return {
            "order_id": task.order_id,
            "credited": outcome.credited,
            "credit_note_id": str(note.id) if note else None,
            "number": note.number if note else None,
        }

    return SagaActions(
        {
            "issue_invoice": SagaAction(IssueInvoiceTask, issue_invoice),
            "send_confirmation": SagaAction(SendConfirmationTask, send_confirmation),
            "credit_order": SagaAction(CreditOrderTask, credit_order),
        },
        invalid_input=InvalidOrder,
    )
