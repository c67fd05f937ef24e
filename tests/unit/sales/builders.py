"""Builders and in-memory fakes for the sales unit tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from tandem.sales.domain import placement
from tandem.sales.domain.commands import BillingAddress, Customer, PaymentMethod, PlaceOrder, RequestedLine
from tandem.sales.domain.errors import ConcurrentOrderUpdate, IdempotencyKeyTaken
from tandem.sales.domain.model import Order, OrderPage, Product
from tandem.shared.errors import TransactionConflict
from tandem.shared.pricing import TaxRounding
from tandem.shared.request_keys import KeyRecord

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
RATES = {"standard": Decimal("0.2"), "reduced": Decimal("0.1"), "zero": Decimal("0")}
POLICY = placement.PricingPolicy(base_currency="EUR", tax_rates=RATES)
TOTAL_POLICY = placement.PricingPolicy(base_currency="EUR", tax_rates=RATES, rounding=TaxRounding.TOTAL)
ADA = Customer(email="ada@example.com", name="Ada Lovelace",
               billing_address=BillingAddress(line1="1 Square", city="London", postal_code="SW1", country="GB"))


def product(sku: str = "TEA-001", price: str = "4.90", category: str = "reduced", *, active: bool = True,
            currency: str = "EUR", revision: int = 1) -> Product:
    return Product(sku=sku, name=f"Product {sku}", unit_price=Decimal(price), currency=currency,
                   tax_category=category, active=active, revision=revision)


CATALOG = {p.sku: p for p in (product(), product("MUG-002", "12.50", "standard"),
                              product("OLD-003", "30.00", "standard", active=False))}


def command(*lines: tuple[str, int], method: str = "card", currency: str | None = None,
            customer: Customer = ADA) -> PlaceOrder:
    return PlaceOrder(customer=customer, lines=tuple(RequestedLine(s, q) for s, q in lines or (("TEA-001", 3),)),
                      payment_method=PaymentMethod(method), placed_by="sub-ada", currency=currency)


def order(*lines: tuple[str, int], **kwargs: Any) -> Order:
    return placement.place(command(*lines, **kwargs), CATALOG, POLICY, order_id=uuid4(), now=NOW)


class FakeStore:
    """Orders, catalog and key records in dicts; a unit of work that writes them all or nothing."""

    def __init__(self) -> None:
        self.orders: dict[UUID, tuple[int, Order]] = {}
        self.keys: dict[tuple[str, str], KeyRecord] = {}
        self.outbox: list[Any] = []
        self.catalog = dict(CATALOG)
        self.conflicts = 0  # how many commits to refuse with TransactionConflict first
        self.races = 0  # how many commits to refuse with ConcurrentOrderUpdate first (someone saved meanwhile)
        self.reads = 0
        self._pending: list[tuple[str, Any]] = []
        self.commits = 0

    # reader
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

    def list_newest(self, *, limit: int, cursor: str | None) -> OrderPage:
        return OrderPage(orders=[self.get(i) for i in self.orders][:limit])

    def list_for_customer(self, email: str, *, limit: int, cursor: str | None) -> OrderPage:
        mine = [self.get(i) for i, (_, o) in self.orders.items() if o.customer.email.casefold() == email.casefold()]
        return OrderPage(orders=mine[:limit])

    # unit of work
    def __enter__(self) -> FakeStore:
        self._pending = []
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pending = []

    def add_order(self, order: Order) -> None:
        self._pending.append(("add", order))

    def save_order(self, order: Order) -> None:
        self._pending.append(("save", order))

    def claim_idempotency_key(self, record: KeyRecord, *, now: datetime) -> None:
        self._pending.append(("key", record))

    def record(self, envelope: Any) -> None:
        self._pending.append(("event", envelope))

    def commit(self) -> None:
        if self.conflicts:
            self.conflicts -= 1
            raise TransactionConflict()
        if self.races:
            self.races -= 1
            raise ConcurrentOrderUpdate()
        for kind, value in self._pending:
            if kind == "key" and (value.caller, value.key) in self.keys:
                raise IdempotencyKeyTaken(self.keys[(value.caller, value.key)])
            if kind == "save" and self.orders[value.id][0] != value.version:
                raise ConcurrentOrderUpdate()
        for kind, value in self._pending:
            if kind == "add":
                self.orders[value.id] = (1, value)
            elif kind == "save":
                self.orders[value.id] = (value.version + 1, value)
            elif kind == "key":
                self.keys[(value.caller, value.key)] = value
            else:
                self.outbox.append(value)
        self._pending = []
        self.commits += 1
