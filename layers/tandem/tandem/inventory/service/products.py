"""The catalog: products are created and replaced by the inventory team and read by everyone."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import TypeVar

from tandem.inventory.domain.commands import CreateProduct, UpdateProduct
from tandem.inventory.domain.errors import CurrencyNotSupported, ProductAlreadyExists, ProductNotFound, StaleState
from tandem.inventory.domain.events import ProductCreated, ProductUpdated
from tandem.inventory.domain.model import Product
from tandem.inventory.domain.rules import normalize_sku
from tandem.inventory.service.base import UseCases
from tandem.shared.correlation import MessageContext
from tandem.shared.errors import ConditionFailed
from tandem.shared.paging import Page

Snapshot = TypeVar("Snapshot", ProductCreated, ProductUpdated)


def _snapshot(event: type[Snapshot], product: Product) -> Snapshot:
    """The ProductCreated/ProductUpdated event of ``product``: the full product as it is now."""
    return event(
        sku=product.sku,
        name=product.name,
        unit_price=product.unit_price,
        currency=product.currency,
        tax_category=product.tax_category.value,
        active=product.active,
        revision=product.revision,
    )


class ProductUseCases(UseCases):
    def _check_currency(self, currency: str) -> None:
        if currency != self.base_currency:
            raise CurrencyNotSupported(
                f"Prices must be in {self.base_currency}",
                details=[{"field": "currency", "message": f"must be {self.base_currency}"}],
            )

    def create_product(self, command: CreateProduct, context: MessageContext) -> Product:
        """Add a product with an empty stock summary; ``ProductAlreadyExists`` for a known sku."""
        self._check_currency(command.fields.currency)

        def attempt() -> Product:
            moment = self.clock.now()
            product = Product(
                sku=command.sku, **asdict(command.fields), revision=1, created_at=moment, updated_at=moment
            )
            with self.uow() as uow:
                uow.products.add(product)
                uow.record(self._envelope(_snapshot(ProductCreated, product), context, moment))
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    raise ProductAlreadyExists(details={"sku": command.sku}) from failed
            return product

        return self._retrying(attempt)

    def update_product(self, command: UpdateProduct, context: MessageContext) -> Product:
        """Replace a product's fields (revision + 1, ProductUpdated); unchanged fields write nothing."""
        self._check_currency(command.fields.currency)

        def attempt() -> Product:
            with self.uow() as uow:
                current = _found(uow.products.get(command.sku), command.sku)
                changed = replace(current, **asdict(command.fields))
                if changed == current:
                    return current
                moment = self.clock.now()
                product = replace(changed, revision=current.revision + 1, updated_at=moment)
                uow.products.replace(product, expected_revision=current.revision)
                uow.record(self._envelope(_snapshot(ProductUpdated, product), context, moment))
                try:
                    uow.commit()
                except ConditionFailed as failed:
                    raise StaleState() from failed
            return product

        return self._retrying(attempt)

    def get_product(self, sku: str) -> Product:
        """The product of ``sku`` (in any case), or ``ProductNotFound``."""
        sku = normalize_sku(sku)
        with self.uow() as uow:
            return _found(uow.products.get(sku), sku)

    def list_products(self, *, limit: int, cursor: str | None = None) -> Page[Product]:
        """Active products by sku (the public catalog)."""
        with self.uow() as uow:
            return uow.products.list_active(limit=limit, cursor=cursor)


def _found(product: Product | None, sku: str) -> Product:
    if product is None:
        raise ProductNotFound(details={"sku": sku[:64]})
    return product
