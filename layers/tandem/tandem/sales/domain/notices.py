"""The email a customer gets when their order closes without being delivered.

Plain text; the subject is ours alone. It says why: out of stock (which items), payment not
received in time, or cancelled on request.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.sales.domain import rules
from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.sales.domain.model import Order

_SIGNATURE = "Kind regards,\nThe Tandem team\n"


@dataclass(frozen=True, slots=True)
class ClosureNotice:
    to: str
    subject: str
    text: str

    @classmethod
    def for_event(cls, event: OrderCancelled | OrderRejected, order: Order | None) -> ClosureNotice:
        if rules.email_error(event.customer_email):
            raise ValueError("the event carries an address that must not be mailed")
        greeting = f"Hello {order.customer.name},\n\n" if order and not rules.single_line_error(
            order.customer.name) else "Hello,\n\n"
        if isinstance(event, OrderRejected):
            return cls(to=event.customer_email, subject="We could not accept your order",
                       text=greeting + _rejected(event, order) + _SIGNATURE)
        return cls(to=event.customer_email, subject="Your order was cancelled",
                   text=greeting + _cancelled(event) + _SIGNATURE)


def _rejected(event: OrderRejected, order: Order | None) -> str:
    names = {line.sku: line.name for line in order.lines} if order else {}
    items = "".join(f"  - {names.get(s.sku, s.sku)} ({s.sku}): you ordered {s.requested}, "
                    f"we have {max(s.available, 0)}\n" for s in event.shortages)
    return (f"we are sorry: your order {event.order_id} could not be accepted because some items are out "
            f"of stock{':' if items else '.'}\n{items}\nNothing was charged. "
            "You are welcome to order again with the quantities we have.\n\n")


def _cancelled(event: OrderCancelled) -> str:
    if event.reason == rules.REASON_PAYMENT_TIMEOUT:
        why = "we did not receive your card payment in time, so the reserved items were released."
    elif event.reason == rules.REASON_CUSTOMER_REQUEST or rules.single_line_error(event.reason):
        why = "it was cancelled on request."
    else:
        why = f"it was cancelled on request ({event.reason})."
    refund = ("\n\nThe invoice for this order will be credited in full." if event.was_confirmed else "")
    return f"your order {event.order_id} has been cancelled: {why}{refund}\n\n"
