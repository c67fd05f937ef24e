"""Sales use cases behind the API. Each takes its ports (reader, unit of work) as arguments."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from tandem.sales.domain import placement, rules
from tandem.sales.domain.commands import PlaceOrder
from tandem.sales.domain.errors import (
    ConcurrentOrderUpdate,
    IdempotencyKeyTaken,
    NotYourOrder,
    OrderNotFound,
)
from tandem.sales.domain.model import Order, OrderPage, Product
from tandem.shared import request_keys
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.retry import retrying

ATTEMPTS = 4  # a write that loses an optimistic-lock race is re-read and re-decided this often
STAFF_GROUPS = frozenset({"sales", "finance", "inventory", "admin"})
ORDERING_STAFF = frozenset({"sales", "admin"})


class SalesUnitOfWork(Protocol):
    def __enter__(self) -> SalesUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def add_order(self, order: Order) -> None: ...
    def save_order(self, order: Order) -> None: ...  # ConcurrentOrderUpdate if the version moved
    def claim_idempotency_key(self, record: request_keys.KeyRecord, *, now: datetime) -> None: ...
    def record(self, envelope: Envelope[Any]) -> None: ...
    def commit(self) -> None: ...  # IdempotencyKeyTaken(record) if the key is in use


class OrderReader(Protocol):
    def get(self, order_id: UUID) -> Order | None: ...
    def load_for_placement(self, skus: list[str], key: tuple[str, str] | None
                           ) -> tuple[dict[str, Product], request_keys.KeyRecord | None]: ...
    def list_newest(self, *, limit: int, cursor: str | None) -> OrderPage: ...
    def list_for_customer(self, email: str, *, limit: int, cursor: str | None) -> OrderPage: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls, from the token: ``sub``, ``email`` and Cognito groups."""

    sub: str
    email: str | None
    groups: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return bool(self.groups & STAFF_GROUPS)

    def may_see(self, order: Order) -> bool:
        return self.is_staff or rules.same_email(order.customer.email, self.email)


@dataclass(frozen=True, slots=True)
class Placement:
    order_id: UUID
    response: dict[str, Any]
    replayed: bool  # True: an Idempotency-Key retry, nothing new was written


def pause() -> float:
    """Seconds before retrying a lost race: short, jittered."""
    return random.uniform(0.02, 0.1)  # noqa: S311 - jitter, not security


def place_order(
    command: PlaceOrder, caller: Caller, policy: placement.PricingPolicy, reader: OrderReader,
    uow: SalesUnitOfWork, context: MessageContext, *, render: Callable[[Order], dict[str, Any]],
    idempotency_key: str | None = None, body: Any = None, now: Callable[[], datetime] = utcnow,
    ids: Callable[[], UUID] = new_id, sleep: Callable[[float], Any] = time.sleep,
) -> Placement:
    """Price and store a new order with OrderPlaced (and the key's record) in one transaction.

    With an Idempotency-Key, the same key and body answer the first response again; another body is
    refused. Two requests with one key at the same moment: DynamoDB lets one transaction through; the
    other fails the key's condition (or conflicts and is retried into it) and replays the winner's answer.
    """
    if not (caller.groups & ORDERING_STAFF) and not rules.same_email(command.customer.email, caller.email):
        raise NotYourOrder(details=[{"field": "customer.email", "message": "must be your own email address"}])
    placement.check_currency(command, policy)
    command.check_shape()
    key = request_keys.checked(idempotency_key)
    fingerprint = request_keys.fingerprint(body)
    catalog, record = reader.load_for_placement([line.sku for line in command.lines],
                                                (caller.sub, key) if key else None)
    moment = now()
    if record is not None and record.live(moment):
        return _replay(record, fingerprint)
    order = placement.place(command, catalog, policy, order_id=ids(), now=moment)
    order.correlation_id = context.correlation_id
    response = render(order)
    envelopes = [Envelope.wrap(e, context, occurred_at=moment, event_id=ids()) for e in order.events]
    claim = None if key is None else request_keys.KeyRecord(
        caller=caller.sub, key=key, fingerprint=fingerprint, response=response, expires_at=moment + request_keys.WINDOW)

    def attempt() -> Placement:
        try:
            with uow:
                uow.add_order(order)
                if claim is not None:
                    uow.claim_idempotency_key(claim, now=moment)
                for envelope in envelopes:
                    uow.record(envelope)
                uow.commit()
            return Placement(order.id, response, replayed=False)
        except IdempotencyKeyTaken as taken:
            return _replay(taken.record, fingerprint)  # type: ignore[arg-type]

    return retrying(attempt, on=(TransactionConflict,), attempts=ATTEMPTS, sleep=sleep, pause=lambda _: pause())


def _replay(record: request_keys.KeyRecord, fingerprint: str) -> Placement:
    """The first answer (its ``id`` is the order's), or ``IdempotencyKeyReused`` for another body."""
    response = record.replay(fingerprint)
    return Placement(UUID(str(response["id"])), response, replayed=True)


def parse_order_id(order_id: str) -> UUID:
    try:
        return UUID(order_id)
    except ValueError:
        raise OrderNotFound(details={"id": order_id[:64]}) from None


def get_order(reader: OrderReader, order_id: str, caller: Caller) -> Order:
    """The order, or OrderNotFound (also for a customer asking for someone else's: they learn nothing)."""
    key = parse_order_id(order_id)
    order = reader.get(key)
    if order is None or not caller.may_see(order):
        raise OrderNotFound(details={"id": str(key)})
    return order


def list_orders(reader: OrderReader, caller: Caller, *, limit: int, cursor: str | None) -> OrderPage:
    if caller.is_staff:
        return reader.list_newest(limit=limit, cursor=cursor)
    if not caller.email:
        return OrderPage(orders=[])
    return reader.list_for_customer(caller.email, limit=limit, cursor=cursor)


def change_order(
    order_id: UUID, change: Callable[[Order], bool], reader: OrderReader, uow: SalesUnitOfWork,
    context: Callable[[Order], MessageContext], *, now: Callable[[], datetime] = utcnow,
    ids: Callable[[], UUID] = new_id, sleep: Callable[[float], Any] = time.sleep,
    visible: Callable[[Order], bool] = lambda order: True,
) -> Order:
    """Load, decide with ``change`` (True if it changed the order), save with its events, all under the
    order's version; a lost race is re-read and re-decided. Returns the order as stored."""
    def attempt() -> Order:
        order = reader.get(order_id)
        if order is None or not visible(order):
            raise OrderNotFound(details={"id": str(order_id)})
        if not change(order):
            return order
        moment = now()
        with uow:
            uow.save_order(order)
            for event in order.events:
                uow.record(Envelope.wrap(event, context(order), occurred_at=moment, event_id=ids()))
            uow.commit()
        order.version += 1
        order.events.clear()
        return order

    return retrying(attempt, on=(ConcurrentOrderUpdate, TransactionConflict), attempts=ATTEMPTS, sleep=sleep,
                    pause=lambda _: pause())


def cancel_order(reader: OrderReader, uow: SalesUnitOfWork, order_id: str, caller: Caller,
                 context: MessageContext, *, reason: str | None = None, **clock: Any) -> Order:
    """Cancel on request (customer: their own; sales: any). Already cancelled: answered as it is."""
    text = reason or rules.REASON_CUSTOMER_REQUEST
    return change_order(parse_order_id(order_id), lambda order: order.cancel(text), reader, uow,
                        lambda order: context, visible=caller.may_see, **clock)


def ship_order(reader: OrderReader, uow: SalesUnitOfWork, order_id: str, context: MessageContext,
               **clock: Any) -> Order:
    def ship(order: Order) -> bool:
        order.ship()
        return True

    return change_order(parse_order_id(order_id), ship, reader, uow, lambda order: context, **clock)
