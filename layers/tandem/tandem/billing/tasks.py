"""The billing steps of the order-fulfillment saga and the OrderCancelled reaction, wired to the adapters.

Every action is idempotent (the contract in docs/order-to-cash.md): called twice with the same
input it changes nothing the second time and returns the same result.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tandem.billing import bootstrap, notifications, payments, service
from tandem.billing.domain.errors import InvalidOrder
from tandem.billing.inbound import (
    CreditOrderTask,
    IssueInvoiceTask,
    OrderCancelledData,
    SendConfirmationTask,
)
from tandem.shared.correlation import MessageContext, from_saga
from tandem.shared.errors import ValidationFailed, field_errors


class UnknownAction(ValidationFailed):
    code = "unknown_action"
    message = "The task's action is not one billing performs"


def _parse(model: type[BaseModel], event: dict[str, Any]) -> Any:
    try:
        return model.model_validate(event)
    except ValidationError as exc:
        raise InvalidOrder("The task input is invalid", details=field_errors(exc.errors())) from None


def _context(event: dict[str, Any], fallback: str) -> MessageContext:
    execution = event.get("execution_id")
    return from_saga(str(event.get("correlation_id") or fallback)[:128], str(execution) if execution else None,
                     fallback)


def issue_invoice(event: dict[str, Any]) -> dict[str, Any]:
    task = _parse(IssueInvoiceTask, event)
    result = service.issue_invoice(task.order.to_command(), bootstrap.reader(), bootstrap.unit_of_work(),
                                   _context(event, task.order.order_id), terms_days=bootstrap.payment_terms_days())
    invoice = result.invoice
    return {"invoice_id": str(invoice.id), "number": invoice.number, "gross_total": str(invoice.gross_total),
            "status": invoice.status.value}


def send_confirmation(event: dict[str, Any]) -> dict[str, Any]:
    """Records no events (a mail and a marker), so correlation only reaches the logs."""
    task = _parse(SendConfirmationTask, event)
    message_id = notifications.send_confirmation(task.invoice.invoice_id, bootstrap.reader(), bootstrap.documents(),
                                                 bootstrap.mailer(), bootstrap.markers())
    return {"message_id": message_id}


def credit_order(event: dict[str, Any]) -> dict[str, Any]:
    """The saga's compensation (docs/order-to-cash.md): a full credit note for the order's invoice, if any."""
    task = _parse(CreditOrderTask, event)
    outcome = service.credit_order(task.order_id, task.reason, bootstrap.reader(), bootstrap.unit_of_work(),
                                   bootstrap.documents(), _context(event, task.order_id))
    note = outcome.note
    return {"order_id": task.order_id, "credited": outcome.credited,
            "credit_note_id": str(note.id) if note else None, "number": note.number if note else None}


ACTIONS = {"issue_invoice": issue_invoice, "send_confirmation": send_confirmation, "credit_order": credit_order}


def perform(event: dict[str, Any]) -> dict[str, Any]:
    """Run the task named by ``event["action"]``."""
    action = ACTIONS.get(str(event.get("action")))
    if action is None:
        raise UnknownAction(details={"action": str(event.get("action"))[:64], "known": sorted(ACTIONS)})
    return action(event)


def order_cancelled(data: OrderCancelledData, context: MessageContext) -> dict[str, Any]:
    """An order was cancelled: credit its invoice in full if it has one (whether or not the order was
    confirmed; once), else mark the payments it received as refund-due (PaymentRefundDue)."""
    reader = bootstrap.reader()
    account, invoice = service.order_invoice(reader, data.order_id)
    if invoice is not None:
        reason = f"Order cancelled: {data.reason}"[:500] if data.reason else "Order cancelled"
        note = service.credit_in_full(invoice, reason, reader, bootstrap.unit_of_work(), bootstrap.documents(),
                                      context)
        return {"order_id": data.order_id, "credited": True, "credit_note_id": str(note.id), "number": note.number}
    refund = payments.mark_refund_due(data.order_id, data.customer_email, account, reader, bootstrap.unit_of_work(),
                                      context, currency=bootstrap.base_currency())
    return {"order_id": data.order_id, "credited": False, "why": "no invoice",
            "refund_due": [str(i) for i in refund.payment_ids], "refund_amount": str(refund.amount)}
