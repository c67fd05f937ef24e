"""Customer 360 use cases: record commerce events on the customer timeline, read customers and timelines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from tandem.crm.domain.customer_errors import CustomerNotFound, CustomerNotYetKnown, DuplicateActivity
from tandem.crm.domain.customers import Customer, CustomerRef, RecordActivity, TimelinePage, customer_id_for
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying

# Events of one customer arrive close together (OrderPlaced, InvoiceIssued, OrderConfirmed within a
# second) and all touch the customer item: a few short jittered retries, then Lambda retries.
RECORD_ATTEMPTS = 4


class CustomerUnitOfWork(Protocol):
    def __enter__(self) -> CustomerUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def add_activity(self, customer: CustomerRef, activity: RecordActivity) -> None: ...
    def commit(self) -> None: ...  # DuplicateActivity for a repeat, TransactionConflict on a race


class CustomerReader(Protocol):
    def get(self, customer_id: UUID) -> Customer | None: ...
    def owner_of(self, links: tuple[tuple[str, str], ...]) -> CustomerRef | None: ...
    def timeline(self, customer: Customer, *, limit: int, cursor: str | None) -> TimelinePage: ...


@dataclass(frozen=True, slots=True)
class RecordResult:
    customer_id: UUID
    recorded: bool  # False: the timeline already had this event (a redelivery)


def record_activity(
    command: RecordActivity, reader: CustomerReader, unit_of_work: Callable[[], CustomerUnitOfWork], *,
    sleep: Callable[[float], Any] = time.sleep,
) -> RecordResult:
    """Add one event to its customer's timeline (creating the customer on first sight), once.

    An event without an email (a payment naming only its order or invoice) is attributed through the
    links earlier events stored. If no link exists yet, ``CustomerNotYetKnown`` is raised on purpose:
    the bus does not order events, and Lambda's asynchronous retries (minutes apart, then the DLQ)
    give the OrderPlaced/InvoiceIssued time to arrive. Dropping the event instead would lose it.
    """
    customer = _owner(command, reader)

    def record() -> RecordResult:
        try:
            with unit_of_work() as uow:
                uow.add_activity(customer, command)
                uow.commit()
        except DuplicateActivity:
            return RecordResult(customer.id, recorded=False)
        return RecordResult(customer.id, recorded=True)

    return retrying(record, on=(TransactionConflict,), attempts=RECORD_ATTEMPTS, sleep=sleep)


def _owner(command: RecordActivity, reader: CustomerReader) -> CustomerRef:
    if command.customer_email:
        return CustomerRef(id=customer_id_for(command.customer_email), email=command.customer_email)
    owner = reader.owner_of(command.links)
    if owner is None:
        raise CustomerNotYetKnown(details={"links": [f"{kind}#{value}" for kind, value in command.links]})
    return owner


def get_customer(reader: CustomerReader, customer_id: str) -> Customer:
    """The customer, or CustomerNotFound (also for ids that are not UUIDs: they cannot exist)."""
    try:
        key = UUID(customer_id)
    except ValueError:
        raise CustomerNotFound(details={"id": customer_id[:64]}) from None
    customer = reader.get(key)
    if customer is None:
        raise CustomerNotFound(details={"id": str(key)})
    return customer


def find_customers(reader: CustomerReader, *, email: str) -> list[Customer]:
    """Customers with this email (case-insensitive): none or one, since the id derives from it."""
    customer = reader.get(customer_id_for(email.strip()))
    return [customer] if customer else []


def customer_timeline(reader: CustomerReader, customer_id: str, *, limit: int, cursor: str | None = None
                      ) -> TimelinePage:
    return reader.timeline(get_customer(reader, customer_id), limit=limit, cursor=cursor)
