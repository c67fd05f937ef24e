"""What the sales service needs from the outside world, as Protocols (the adapters implement them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from tandem.sales.domain.model import Order, Product
from tandem.sales.domain.notices import ClosureNotice
from tandem.shared.envelope import Envelope
from tandem.shared.paging import Page
from tandem.shared.request_keys import KeyRecord


class OrderRepository(Protocol):
    """Orders: read at once, written by the unit of work's ``commit``."""

    def get(self, order_id: UUID) -> Order | None: ...
    def list_newest(self, *, limit: int, cursor: str | None) -> Page[Order]: ...
    def list_for_customer(self, customer_sub: str, *, limit: int, cursor: str | None) -> Page[Order]:
        """The orders a customer placed (owned by their token ``sub``), newest first."""
        ...

    def add(self, order: Order) -> None: ...
    def save(self, order: Order) -> None: ...  # the commit raises ConcurrentOrderUpdate if the version moved


class CatalogRepository(Protocol):
    """Sales' read model of inventory's products: the newest revision of each."""

    def load_for_placement(
        self, skus: list[str], key: tuple[str, str] | None
    ) -> tuple[dict[str, Product], KeyRecord | None]:
        """The products of ``skus`` and the record of the (caller, Idempotency-Key), in one read."""
        ...

    def save_if_newer(self, product: Product, *, now: datetime) -> bool:
        """Store ``product`` at once unless a revision at least as new is stored; True if it was stored."""
        ...


class UnitOfWork(Protocol):
    """One use case's writes, committed together with their events (outbox) or not at all."""

    @property
    def orders(self) -> OrderRepository: ...
    @property
    def catalog(self) -> CatalogRepository: ...
    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...  # without a commit: nothing is written
    def claim_idempotency_key(self, record: KeyRecord, *, now: datetime) -> None: ...
    def record(self, envelope: Envelope[Any]) -> None: ...
    def commit(self) -> None: ...  # IdempotencyKeyTaken(record) if the key is in use


class Mailer(Protocol):
    def send(self, message: ClosureNotice) -> str:
        """Send ``message``; the provider's message id."""
        ...


class TaskClient(Protocol):
    """Completes a saga task waiting on its token; False when nobody waits on it any more."""

    def succeed(self, token: str, output: dict[str, str]) -> bool: ...
    def fail(self, token: str, error: str, cause: str) -> bool: ...
