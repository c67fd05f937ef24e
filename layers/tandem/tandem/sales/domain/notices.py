"""The email a customer gets when their order closes without being delivered.

Plain text; the subject is ours alone. It says why (out of stock with the items, payment not received in
time, cancelled on request, a problem on our side) and what happens to money already paid: the wording
about payment comes from the ORDER as stored (a payment may have been recorded after the event was
written), falling back to the event's ``payment_id`` when the order cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.sales.domain import rules
from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.sales.domain.model import Order
from tandem.shared.money import amount_text

_SIGNATURE = "Kind regards,\nThe Tandem team\n"

# One sentence per known cancel reason (the saga's and the API's); anything else is "on request".
_CANCEL_REASONS = {
    rules.REASON_PAYMENT_TIMEOUT: "we did not receive your card payment in time, so the reserved items were released.",
    rules.REASON_CUSTOMER_REQUEST: "it was cancelled on request.",
    rules.REASON_CANCELLED_BY_CUSTOMER: "it was cancelled on request.",
    rules.REASON_FULFILLMENT_FAILED: "we ran into a problem on our side while processing it and could not "
    "complete it. We apologise for the inconvenience.",
}


@dataclass(frozen=True, slots=True)
class ClosureNotice:
    to: str
    subject: str
    text: str

    @classmethod
    def for_event(cls, event: OrderCancelled | OrderRejected, order: Order | None) -> ClosureNotice:
        if rules.email_error(event.customer_email):
            raise ValueError("the event carries an address that must not be mailed")
        greeting = (
            f"Hello {order.customer.name},\n\n"
            if order and not rules.single_line_error(order.customer.name)
            else "Hello,\n\n"
        )
        money = _payment_sentence(event, order)
        if isinstance(event, OrderRejected):
            return cls(
                to=event.customer_email,
                subject="We could not accept your order",
                text=greeting + _rejected(event, order, money) + _SIGNATURE,
            )
        return cls(
            to=event.customer_email,
            subject="Your order was cancelled",
            text=greeting + _cancelled(event, money) + _SIGNATURE,
        )


# What billing does with it (a refund due, its own message to the customer, then the payout): no promise of when.
_OWED_BACK = "we owe it back to you in full, and our billing team will write to you separately about the refund."


def _payment_sentence(event: OrderCancelled | OrderRejected, order: Order | None) -> str | None:
    """What happens to a recorded payment; None when nothing was paid."""
    if order is not None and order.payment is not None:
        amount = amount_text(order.payment.amount, order.payment.currency)
        return f"We received your payment of {amount} {order.payment.currency}; {_OWED_BACK}"
    if order is None and event.payment_id:
        return f"We received your payment for this order; {_OWED_BACK}"
    return None


def _rejected(event: OrderRejected, order: Order | None, money: str | None) -> str:
    names = {line.sku: line.name for line in order.lines} if order else {}
    items = "".join(
        f"  - {names.get(s.sku, s.sku)} ({s.sku}): you ordered {s.requested}, we have {max(s.available, 0)}\n"
        for s in event.shortages
    )
    return (
        f"we are sorry: your order {event.order_id} could not be accepted because some items are out "
        f"of stock{':' if items else '.'}\n{items}\n{money or 'Nothing was charged.'} "
        "You are welcome to order again with the quantities we have.\n\n"
    )


def _cancelled(event: OrderCancelled, money: str | None) -> str:
    why = _CANCEL_REASONS.get(event.reason)
    if why is None:
        why = (
            "it was cancelled on request."
            if rules.single_line_error(event.reason)
            else f"it was cancelled on request ({event.reason})."
        )
    credit = "\n\nThe invoice for this order will be credited in full." if event.was_confirmed else ""
    refund = f"\n\n{money}" if money else ""
    return f"your order {event.order_id} has been cancelled: {why}{credit}{refund}\n\n"
