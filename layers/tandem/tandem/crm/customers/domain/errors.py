"""Customers errors; their HTTP status comes from their base class (tandem.shared.errors)."""

from __future__ import annotations

from tandem.shared.errors import Conflict, NotFound


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    message = "No customer with this id"


class CustomerNotYetKnown(NotFound):
    """An event names no email and no order or invoice we have linked to a customer yet.

    Raised by the consumer so that Lambda retries the event later (by then the OrderPlaced or
    InvoiceIssued that creates the link has usually arrived): events on the bus are not ordered.
    """

    code = "customer_not_yet_known"
    message = "The event's customer is not known yet"


class DuplicateActivity(Conflict):
    """The timeline already has an entry for this event id: a redelivery, nothing to add."""

    code = "duplicate_activity"
