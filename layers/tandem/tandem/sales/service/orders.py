"""The use cases behind the sales API (place, read, list, cancel, ship) and the catalog orders are priced from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tandem.sales.domain import placement
from tandem.sales.domain.commands import Caller, CancelOrder, PlaceOrder, ShipOrder, UpdateCatalog
from tandem.sales.domain.errors import IdempotencyKeyTaken, NotYourOrder, OrderNotFound
from tandem.sales.domain.model import Order, Product
from tandem.sales.service.base import ATTEMPTS, ServiceBase
from tandem.shared import request_keys
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope
from tandem.shared.errors import TransactionConflict
from tandem.shared.paging import Page
from tandem.shared.retry import retrying


@dataclass(frozen=True, slots=True)
class Placement:
    order_id: UUID
    response: dict[str, Any]  # the API's answer (what a replay answers again)
    replayed: bool  # True: an Idempotency-Key retry, nothing new was written


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    """The ``Idempotency-Key`` a request came with (None: none) and its body. Within the key's window the
    same key and body are answered the first response again; another body is ``IdempotencyKeyReused``."""

    key: str | None = None
    body: object = None

    def scope(self, caller: str) -> tuple[str, str] | None:
        """(caller, key) — a key is its caller's own — or None; a malformed key is ``InvalidIdempotencyKey``."""
        key = request_keys.checked(self.key)
        return (caller, key) if key else None

    def replay(self, record: request_keys.KeyRecord) -> Placement:
        """The first answer (its ``id`` is the order's), or ``IdempotencyKeyReused`` for another body."""
        response = record.replay(request_keys.fingerprint(self.body))
        return Placement(UUID(str(response["id"])), response, replayed=True)

    def claim(
        self, scope: tuple[str, str] | None, response: dict[str, Any], now: datetime
    ) -> request_keys.KeyRecord | None:
        """The record to write with what the request creates (None without a key)."""
        if scope is None:
            return None
        return request_keys.KeyRecord(
            caller=scope[0],
            key=scope[1],
            fingerprint=request_keys.fingerprint(self.body),
            response=response,
            expires_at=now + request_keys.WINDOW,
        )


NO_KEY = KeyedRequest()


class OrderUseCases(ServiceBase):
    def place_order(
        self, command: PlaceOrder, caller: Caller, context: MessageContext, request: KeyedRequest = NO_KEY
    ) -> Placement:
        """Price and store a new order with OrderPlaced (and the key's record) in one transaction.

        Two requests with one key at the same moment: DynamoDB lets one transaction through; the other
        fails the key's condition (or conflicts and is retried into it) and replays the winner's answer.
        """
        if not caller.may_order_for(command.customer.email):
            message = "must be your own email address, verified"
            raise NotYourOrder(details=[{"field": "customer.email", "message": message}])
        placement.check_currency(command, self.policy)
        command.check_shape()
        scope = request.scope(caller.sub)
        with self.uow() as uow:
            catalog, record = uow.catalog.load_for_placement([line.sku for line in command.lines], scope)
        moment = self.clock.now()
        if record is not None and record.live(moment):
            return request.replay(record)
        order = placement.place(
            command,
            catalog,
            self.policy,
            order_id=self.clock.new_id(),
            now=moment,
            customer_sub=caller.owner_of_new_order(),
        )
        order.correlation_id = context.correlation_id
        response = self.render(order)
        envelopes = [Envelope.wrap(e, context, occurred_at=moment, event_id=self.clock.new_id()) for e in order.events]
        claim = request.claim(scope, response, moment)

        def attempt() -> Placement:
            try:
                with self.uow() as uow:
                    uow.orders.add(order)
                    if claim is not None:
                        uow.claim_idempotency_key(claim, now=moment)
                    for envelope in envelopes:
                        uow.record(envelope)
                    uow.commit()
            except IdempotencyKeyTaken as taken:
                return request.replay(taken.record)
            return Placement(order.id, response, replayed=False)

        return retrying(attempt, on=(TransactionConflict,), attempts=ATTEMPTS, sleep=self.clock.sleep)

    def get_order(self, order_id: UUID, caller: Caller) -> Order:
        """The order, or OrderNotFound (also for a customer asking for someone else's: they learn nothing)."""
        with self.uow() as uow:
            order = uow.orders.get(order_id)
        if order is None or not caller.may_see(order.customer_sub):
            raise OrderNotFound(details={"id": str(order_id)})
        return order

    def list_orders(self, caller: Caller, *, limit: int, cursor: str | None) -> Page[Order]:
        """Staff: every order, newest first; a customer: the ones they placed (owned by their ``sub``)."""
        with self.uow() as uow:
            if caller.is_staff:
                return uow.orders.list_newest(limit=limit, cursor=cursor)
            return uow.orders.list_for_customer(caller.sub, limit=limit, cursor=cursor)

    def cancel_order(self, command: CancelOrder, caller: Caller, context: MessageContext) -> Order:
        """Cancel on request (customer: their own; sales: any). Already cancelled: answered as it is."""
        return self._change(
            command.order_id,
            lambda order: order.cancel(command.reason),
            lambda _: context,
            visible=lambda order: caller.may_see(order.customer_sub),
        )

    def ship_order(self, command: ShipOrder, context: MessageContext) -> Order:
        """Record that a confirmed order shipped (``OrderNotShippable`` otherwise, also the second time)."""
        return self._change(command.order_id, lambda order: order.ship(), lambda _: context)

    def update_catalog(self, command: UpdateCatalog) -> bool:
        """Keep the newest revision of an inventory product; True if this one was the newest so far."""
        product = Product(
            sku=command.sku,
            name=command.name,
            unit_price=command.unit_price,
            currency=command.currency,
            tax_category=command.tax_category,
            active=command.active,
            revision=command.revision,
        )
        with self.uow() as uow:
            return uow.catalog.save_if_newer(product, now=self.clock.now())
