"""Builders and in-memory fakes for the sales unit tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from tandem.sales.domain import placement
from tandem.sales.domain.commands import BillingAddress, Customer, PaymentMethod, PlaceOrder, RequestedLine
from tandem.sales.domain.errors import ConcurrentOrderUpdate, IdempotencyKeyTaken
from tandem.sales.domain.model import Order, Product
from tandem.sales.service import SalesService
from tandem.shared.clock import Clock
from tandem.shared.errors import TransactionConflict
from tandem.shared.paging import Page
from tandem.shared.pricing import TaxRounding
from tandem.shared.request_keys import KeyRecord

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
RATES = {"standard": Decimal("0.2"), "reduced": Decimal("0.1"), "zero": Decimal("0")}
POLICY = placement.PricingPolicy(base_currency="EUR", tax_rates=RATES)  # EN 16931 (total) by default
LINE_POLICY = placement.PricingPolicy(base_currency="EUR", tax_rates=RATES, rounding=TaxRounding.LINE)
ADA = Customer(
    email="ada@example.com",
    name="Ada Lovelace",
    billing_address=BillingAddress(line1="1 Square", city="London", postal_code="SW1", country="GB"),
)


def product(
    sku: str = "TEA-001",
    price: str = "4.90",
    category: str = "reduced",
    *,
    active: bool = True,
    currency: str = "EUR",
    revision: int = 1,
) -> Product:
    return Product(
        sku=sku,
        name=f"Product {sku}",
        unit_price=Decimal(price),
        currency=currency,
        tax_category=category,
        active=active,
        revision=revision,
    )


CATALOG = {
    p.sku: p
    for p in (product(), product("MUG-002", "12.50", "standard"), product("OLD-003", "30.00", "standard", active=False))
}


def command(
    *lines: tuple[str, int], method: str = "card", currency: str | None = None, customer: Customer = ADA
) -> PlaceOrder:
    return PlaceOrder(
        customer=customer,
        lines=tuple(RequestedLine(s, q) for s, q in lines or (("TEA-001", 3),)),
        payment_method=PaymentMethod(method),
        placed_by="sub-ada",
        currency=currency,
    )


def order(*lines: tuple[str, int], **kwargs: Any) -> Order:
    return placement.place(command(*lines, **kwargs), CATALOG, POLICY, order_id=uuid4(), now=NOW)


class FakeStore:
    """Orders, catalog and key records in dicts; its units of work write them all or nothing."""

    def __init__(self) -> None:
        self.orders: dict[UUID, tuple[int, Order]] = {}
        self.keys: dict[tuple[str, str], KeyRecord] = {}
        self.outbox: list[Any] = []
        self.catalog = dict(CATALOG)
        self.products_saved: list[Product] = []
        self.conflicts = 0  # how many commits to refuse with TransactionConflict first
        self.races = 0  # how many commits to refuse with ConcurrentOrderUpdate first (someone saved meanwhile)
        self.reads = 0
        self.commits = 0

    def get(self, order_id: UUID) -> Order | None:
        self.reads += 1
        stored = self.orders.get(order_id)
        if stored is None:
            return None
        fresh = copy.deepcopy(stored[1])
        fresh.version = stored[0]
        fresh.events = []
        return fresh

    def load_for_placement(self, skus: list[str], key: tuple[str, str] | None):
        return {s: self.catalog[s] for s in skus if s in self.catalog}, self.keys.get(key) if key else None

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def commit(self, pending: list[tuple[str, Any]]) -> None:
        if self.conflicts:
            self.conflicts -= 1
            raise TransactionConflict()
        if self.races:
            self.races -= 1
            raise ConcurrentOrderUpdate()
        for kind, value in pending:
            if kind == "key" and (value.caller, value.key) in self.keys:
                raise IdempotencyKeyTaken(self.keys[(value.caller, value.key)])
            if kind == "save" and self.orders[value.id][0] != value.version:
                raise ConcurrentOrderUpdate()
        for kind, value in pending:
            if kind == "add":
                self.orders[value.id] = (1, value)
            elif kind == "save":
                self.orders[value.id] = (value.version + 1, value)
            elif kind == "key":
                self.keys[(value.caller, value.key)] = value
            else:
                self.outbox.append(value)
        self.commits += 1


class FakeOrders:
    def __init__(self, store: FakeStore, pending: list[tuple[str, Any]]) -> None:
        self.store, self.pending = store, pending

    def get(self, order_id: UUID) -> Order | None:
        return self.store.get(order_id)

    def list_newest(self, *, limit: int, cursor: str | None) -> Page[Order]:
        return Page(items=[self.store.get(i) for i in self.store.orders][:limit])

    def list_for_customer(self, customer_sub: str, *, limit: int, cursor: str | None) -> Page[Order]:
        mine = [self.store.get(i) for i, (_, o) in self.store.orders.items() if o.customer_sub == customer_sub]
        return Page(items=mine[:limit])

    def add(self, order: Order) -> None:
        self.pending.append(("add", order))

    def save(self, order: Order) -> None:
        self.pending.append(("save", order))


class FakeCatalog:
    def __init__(self, store: FakeStore) -> None:
        self.store = store

    def load_for_placement(self, skus: list[str], key: tuple[str, str] | None):
        return self.store.load_for_placement(skus, key)

    def save_if_newer(self, product: Product, *, now: datetime) -> bool:
        stored = self.store.catalog.get(product.sku)
        if stored is not None and stored.revision >= product.revision:
            return False
        self.store.catalog[product.sku] = product
        return True


class FakeUnitOfWork:
    """One use case's writes: kept until ``commit``, forgotten on leaving the ``with`` block."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self._pending: list[tuple[str, Any]] = []
        self.orders = FakeOrders(store, self._pending)
        self.catalog = FakeCatalog(store)

    def __enter__(self) -> FakeUnitOfWork:
        self._pending.clear()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pending.clear()

    def claim_idempotency_key(self, record: KeyRecord, *, now: datetime) -> None:
        self._pending.append(("key", record))

    def record(self, envelope: Any) -> None:
        self._pending.append(("event", envelope))

    def commit(self) -> None:
        pending = list(self._pending)
        self._pending.clear()
        self.store.commit(pending)


class FakeTasks:
    def __init__(self, *, waiting: bool = True) -> None:
        self.waiting = waiting
        self.calls: list[tuple[str, str, Any]] = []

    def succeed(self, token: str, output: dict[str, Any]) -> bool:
        self.calls.append(("succeed", token, output))
        return self.waiting

    def fail(self, token: str, error: str, cause: str) -> bool:
        self.calls.append(("fail", token, error))
        return self.waiting


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"


def render(order: Order) -> dict[str, Any]:
    return {"id": str(order.id), "gross_total": str(order.gross_total)}


def service(
    store: FakeStore,
    *,
    tasks: FakeTasks | None = None,
    now: datetime = NOW,
    render: Callable[[Order], dict[str, Any]] = render,
) -> SalesService:
    """The sales service on ``store``, at a fixed time, without pauses between retries."""
    return SalesService(
        store.unit_of_work,
        Clock(now=lambda: now, sleep=lambda seconds: None),
        policy=POLICY,
        render=render,
        payment_timeout_seconds=900,
        mailer=FakeMailer(),
        tasks=tasks or FakeTasks(),
    )
