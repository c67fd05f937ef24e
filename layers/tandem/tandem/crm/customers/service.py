"""Customers use cases: record commerce and support events on the customer timeline (and a ticket's summary on
the customer record), read customers and timelines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from tandem.crm.customers.domain.commands import RecordActivity, Viewer
from tandem.crm.customers.domain.errors import CustomerNotFound, CustomerNotYetKnown, DuplicateActivity
from tandem.crm.customers.domain.model import Customer, CustomerRef, TimelineEntry, customer_id_for
from tandem.crm.customers.ports import UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.errors import InvalidPageToken, TransactionConflict
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

ME = "me"  # the customer id that names the caller's own record


def _customer_key(customer_id: str) -> UUID:
    try:
        return UUID(customer_id)
    except ValueError:
        raise CustomerNotFound(details={"id": customer_id[:64]}) from None


# Events of one customer arrive close together (OrderPlaced, InvoiceIssued, OrderConfirmed within a
# second) and all touch the customer item: a few short jittered retries, then Lambda retries.
RECORD_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class RecordResult:
    customer_id: UUID
    recorded: bool  # False: the timeline already had this event (a redelivery)


class CustomersService:
    """The customers use cases; a new unit of work per call."""

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def record_activity(self, command: RecordActivity) -> RecordResult:
        """Add one event to its customer's timeline (creating the customer on first sight), once.

        An event without an email (a payment naming only its order or invoice) is attributed through the
        links earlier events stored. If no link exists yet, ``CustomerNotYetKnown`` is raised on purpose:
        the bus does not order events, and Lambda's asynchronous retries (minutes apart, then the DLQ)
        give the OrderPlaced/InvoiceIssued time to arrive. Dropping the event instead would lose it.
        """
        customer = self._owner(command)
        return retrying(
            lambda: self._record(customer, command),
            on=(TransactionConflict,),
            attempts=RECORD_ATTEMPTS,
            sleep=self.clock.sleep,
        )

    def _owner(self, command: RecordActivity) -> CustomerRef:
        if command.customer_email:
            return CustomerRef(id=customer_id_for(command.customer_email), email=command.customer_email)
        with self.uow() as uow:
            owner = uow.customers.owner_of(command.links)
        if owner is None:
            raise CustomerNotYetKnown(details={"links": [f"{kind}#{value}" for kind, value in command.links]})
        return owner

    def _record(self, customer: CustomerRef, command: RecordActivity) -> RecordResult:
        try:
            with self.uow() as uow:
                uow.customers.add_activity(customer, command)
                uow.commit()
        except DuplicateActivity:
            return RecordResult(customer.id, recorded=False)
        return RecordResult(customer.id, recorded=True)

    def get_customer(self, customer_id: str, viewer: Viewer) -> Customer:
        """The customer, or CustomerNotFound (also for ids that are not UUIDs: they cannot exist, and for a
        customer asking for a record that is not theirs: they learn nothing). ``me``: the caller's own record
        (the one their latest order was recorded on)."""
        with self.uow() as uow:
            if customer_id == ME:
                ref = uow.customers.of_subject(viewer.sub)
                customer = uow.customers.get(ref.id) if ref else None
            else:
                customer = uow.customers.get(_customer_key(customer_id))
        if customer is None or not viewer.may_see(customer.subjects):
            raise CustomerNotFound(details={"id": customer_id[:64]})
        return customer

    def find_customers(self, email: str, limit: int, cursor: str | None = None) -> Page[Customer]:
        """Customers with this email (case-insensitive): none or one, since the id derives from it. So the
        answer is always one page and no page token is ever issued: one sent back is ``InvalidPageToken``."""
        if cursor is not None:
            raise InvalidPageToken()
        with self.uow() as uow:
            customer = uow.customers.get(customer_id_for(email.strip()))
        return Page(items=[customer][:limit] if customer else [])

    def customer_timeline(
        self, customer_id: str, viewer: Viewer, limit: int, cursor: str | None = None
    ) -> tuple[Customer, Page[TimelineEntry]]:
        """The customer (CustomerNotFound as ``get_customer``) and one page of their timeline, oldest first."""
        customer = self.get_customer(customer_id, viewer)
        with self.uow() as uow:
            return customer, uow.customers.timeline(customer, limit, cursor)
