"""Sales errors. HTTP status comes from the base class (tandem.shared.errors); the class NAME is what
the OrderFulfillment state machine's ``Catch`` (``SagaAlreadyStarted``, ``OrderNotConfirmable``,
``PaymentAlreadyReceived``) and ``Retry`` (``ConcurrentOrderUpdate``) match, so they must keep exactly
these names (docs/order-to-cash.md)."""

from __future__ import annotations

from tandem.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tandem.shared.request_keys import KeyRecord


class OrderNotFound(NotFound):
    code = "order_not_found"
    message = "No order with this id"


class InvalidOrder(ValidationFailed):
    """The order breaks a rule (unknown or inactive product, quantity, line count); ``details`` lists
    ``{field, message}``."""


class CurrencyNotSupported(ValidationFailed):
    code = "currency_not_supported"
    message = "Orders are accepted in the company currency only"


class NotYourOrder(Forbidden):
    code = "not_your_order"
    message = "A customer can only order for their own verified email address"


class InvalidTransition(Conflict):
    """The order's status does not allow the requested change."""

    code = "invalid_transition"


class OrderNotCancellable(InvalidTransition):
    code = "order_not_cancellable"
    message = "The order can no longer be cancelled"


class OrderNotShippable(InvalidTransition):
    code = "order_not_shippable"
    message = "Only a confirmed order can be shipped"


class OrderNotConfirmable(InvalidTransition):
    """Saga: the order was cancelled (or rejected) while its invoice was being issued."""

    code = "order_not_confirmable"
    message = "The order can no longer be confirmed"


class SagaAlreadyStarted(Conflict):
    """Saga: another execution already owns this order (a duplicate OrderPlaced delivery)."""

    code = "saga_already_started"
    message = "Another fulfillment execution owns this order"


class PaymentAlreadyReceived(Conflict):
    """Saga: ``cancel`` for ``payment_timeout``, but a covering payment is recorded on the order (it arrived
    as the wait timed out); nothing changed, the saga invoices instead."""

    code = "payment_already_received"
    message = "A payment covering this order has been received"


class InvalidSagaInput(ValidationFailed):
    """Saga: the task's input is not what the action needs (a bug in the state machine: not retried)."""

    code = "invalid_saga_input"
    message = "The task input does not fit its action"


class ConcurrentOrderUpdate(Conflict):
    """The order changed between read and write more often than the retries allow; safe to retry (the
    state machine retries this class name)."""

    code = "concurrent_update"
    message = "Someone else changed this order at the same time. Please retry."


class IdempotencyKeyTaken(Conflict):
    """Raised by the unit of work when the key's ``record`` exists; the service compares bodies and
    replays or refuses (never reaches a client as such)."""

    code = "idempotency_key_taken"

    def __init__(self, record: KeyRecord) -> None:
        super().__init__()
        self.record = record
