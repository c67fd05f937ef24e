"""Inventory use cases for the catalog and manual stock bookings. Ports are passed in (see ``ports.py``).

Every write is one transaction of state + outbox events. Writes that report totals in their event
(receipts, adjustments) are conditioned on the summary ``version`` they read, so the totals are exact;
when someone else moved the stock in between, the command re-reads and retries (a few times, jittered).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from tandem.inventory.domain.commands import AdjustStock, CreateProduct, ReceiveStock, UpdateProduct
from tandem.inventory.domain.errors import (
    CurrencyNotSupported,
    ProductAlreadyExists,
    ProductNotFound,
    StaleState,
)
from tandem.inventory.domain.events import ProductCreated, ProductUpdated, StockAdjusted, StockReceived
from tandem.inventory.domain.model import Movement, MovementKind, Page, Product, StockLevel, movement
from tandem.inventory.domain.rules import MOVEMENTS_SHOWN
from tandem.inventory.ports import InventoryReader, UnitOfWork
from tandem.shared import retry
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.errors import ConditionFailed, TransactionConflict

T = TypeVar("T")
ATTEMPTS = 5


def jitter() -> float:
    """Seconds to wait before retrying after a conflict: short and random, so racers spread out."""
    return random.uniform(0.02, 0.1)  # noqa: S311 - jitter, not security


def retrying(action: Callable[[], T], *, sleep: Callable[[float], Any] = time.sleep, attempts: int = ATTEMPTS) -> T:
    """Run ``action``; on ``TransactionConflict`` or ``StaleState`` wait a jittered moment and run it again,
    up to ``attempts`` times, then let the error propagate (the caller or the state machine retries)."""
    return retry.retrying(action, on=(TransactionConflict, StaleState), attempts=attempts, sleep=sleep,
                          pause=lambda _attempt: jitter())


class Clock:
    """Time, ids and pauses of one call, injectable in tests."""

    def __init__(self, now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
                 sleep: Callable[[float], Any] = time.sleep) -> None:
        self.now, self.ids, self.sleep = now, ids, sleep

    def wrap(self, event: DomainEvent, context: MessageContext, at: datetime) -> Envelope[Any]:
        return Envelope.wrap(event, context, occurred_at=at, event_id=self.ids())


def snapshot(product: Product) -> dict[str, Any]:
    """The ProductCreated/ProductUpdated payload of ``product``."""
    return {"sku": product.sku, "name": product.name, "unit_price": product.unit_price,
            "currency": product.currency, "tax_category": product.tax_category.value, "active": product.active,
            "revision": product.revision}


def _check_currency(currency: str, base_currency: str) -> None:
    if currency != base_currency:
        raise CurrencyNotSupported(f"Prices must be in {base_currency}",
                                   details=[{"field": "currency", "message": f"must be {base_currency}"}])


def create_product(command: CreateProduct, uow: UnitOfWork, context: MessageContext, *, base_currency: str,
                   clock: Clock | None = None) -> Product:
    """Add a product with an empty stock summary; ``ProductAlreadyExists`` for a known sku."""
    clock = clock or Clock()
    _check_currency(command.fields.currency, base_currency)

    def attempt() -> Product:
        moment = clock.now()
        product = Product(sku=command.sku, **asdict(command.fields), revision=1, created_at=moment,
                          updated_at=moment)
        with uow:
            uow.add_product(product)
            uow.record(clock.wrap(ProductCreated(**snapshot(product)), context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                raise ProductAlreadyExists(details={"sku": command.sku}) from failed
        return product

    return retrying(attempt, sleep=clock.sleep)


def update_product(command: UpdateProduct, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
                   base_currency: str, clock: Clock | None = None) -> Product:
    """Replace a product's fields (revision + 1, ProductUpdated); unchanged fields write nothing."""
    clock = clock or Clock()
    _check_currency(command.fields.currency, base_currency)

    def attempt() -> Product:
        current = get_product(reader, command.sku)
        changed = replace(current, **asdict(command.fields))
        if changed == current:
            return current
        moment = clock.now()
        product = replace(changed, revision=current.revision + 1, updated_at=moment)
        with uow:
            uow.replace_product(product, expected_revision=current.revision)
            uow.record(clock.wrap(ProductUpdated(**snapshot(product)), context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                raise StaleState() from failed
        return product

    return retrying(attempt, sleep=clock.sleep)


def get_product(reader: InventoryReader, sku: str) -> Product:
    product = reader.get_product(sku)
    if product is None:
        raise ProductNotFound(details={"sku": sku[:64]})
    return product


def list_products(reader: InventoryReader, *, limit: int, cursor: str | None = None) -> Page:
    """Active products by sku (the public catalog)."""
    return reader.list_products(limit=limit, cursor=cursor)


def stock_of(reader: InventoryReader, sku: str) -> tuple[StockLevel, list[Movement]]:
    """The sku's totals and its latest movements (newest first)."""
    summary, moves = reader.stock_with_movements(sku, limit=MOVEMENTS_SHOWN)
    if summary is None:
        raise ProductNotFound(details={"sku": sku[:64]})
    return summary.level, moves


def book(move_of: Callable[[datetime], Movement], event_of: Callable[[StockLevel], DomainEvent], uow: UnitOfWork,
         reader: InventoryReader, context: MessageContext, clock: Clock, **apply: Any) -> StockLevel:
    """Append one movement at the summary version read, with its event; retried when stock moved meanwhile."""

    def attempt() -> StockLevel:
        moment = clock.now()
        move = move_of(moment)
        summary = reader.get_summary(move.sku)
        if summary is None:
            raise ProductNotFound(details={"sku": move.sku})
        after = summary.level.apply(move)  # InsufficientStock before writing anything
        with uow:
            uow.apply(move, expected_version=summary.level.version, **apply)
            uow.record(clock.wrap(event_of(after), context, moment))
            try:
                uow.commit()
            except ConditionFailed as failed:
                raise StaleState() from failed
        return after

    return retrying(attempt, sleep=clock.sleep)


def receive_stock(command: ReceiveStock, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
                  clock: Clock | None = None) -> StockLevel:
    """Book goods in (``ProductNotFound`` for an unknown sku)."""
    clock = clock or Clock()
    return book(lambda at: movement(MovementKind.RECEIPT, command.sku, command.quantity, id=clock.ids(), at=at,
                                    reference=command.reference),
                lambda after: StockReceived(sku=command.sku, quantity=command.quantity, on_hand=after.on_hand,
                                            available=after.available),
                uow, reader, context, clock)


def adjust_stock(command: AdjustStock, uow: UnitOfWork, reader: InventoryReader, context: MessageContext, *,
                 clock: Clock | None = None) -> StockLevel:
    """Correct the count by ``delta``; a decrease beyond what is available is ``InsufficientStock`` (409)."""
    clock = clock or Clock()
    return book(lambda at: movement(MovementKind.ADJUSTMENT, command.sku, command.delta, id=clock.ids(), at=at,
                                    reason=command.reason),
                lambda after: StockAdjusted(sku=command.sku, delta=command.delta, reason=command.reason,
                                            on_hand=after.on_hand, available=after.available),
                uow, reader, context, clock)
