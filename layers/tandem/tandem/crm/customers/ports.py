"""What the customers use cases need from the outside world: Protocols only, implemented in ``adapters``."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tandem.crm.customers.domain.commands import RecordActivity
from tandem.crm.customers.domain.model import Customer, CustomerRef, TimelineEntry
from tandem.shared.paging import Page


class CustomerRepository(Protocol):
    """Customers, their timelines, their tickets' summaries and the order/invoice/ticket links that find them."""

    def add_activity(self, customer: CustomerRef, activity: RecordActivity) -> None:
        """Create or update ``customer``, add the activity's timeline entry, links and ticket summary, at commit
        (``DuplicateActivity`` then if the timeline has the entry already; ``TransactionConflict`` if another
        event changed the ticket's summary since it was read)."""
        ...

    def get(self, customer_id: UUID) -> Customer | None: ...

    def owner_of(self, links: tuple[tuple[str, str], ...]) -> CustomerRef | None:
        """The customer an earlier event tied to one of ``links`` (order first, then invoice)."""
        ...

    def of_subject(self, subject: str) -> CustomerRef | None:
        """The customer a token ``sub`` last ordered as, or None."""
        ...

    def timeline(self, customer: Customer, limit: int, cursor: str | None) -> Page[TimelineEntry]:
        """One page of the customer's timeline, oldest first."""
        ...


class UnitOfWork(Protocol):
    """One transaction per event: the customer, the timeline entry, the links and the ticket summary, all or
    nothing."""

    @property
    def customers(self) -> CustomerRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...  # TransactionConflict when another transaction touched the same items
