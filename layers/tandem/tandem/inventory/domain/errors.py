"""Inventory errors. HTTP status comes from the base class; the class NAME is what the order
saga's ``Catch`` matches (``InsufficientStock``, ``ProductNotFound``), so never rename them."""

from __future__ import annotations

import json
from typing import Any

from tandem.shared.errors import Conflict, NotFound, ValidationFailed


class ProductNotFound(NotFound):
    code = "product_not_found"
    message = "No product with this sku"


class ProductAlreadyExists(Conflict):
    code = "product_already_exists"
    message = "A product with this sku already exists"


class InvalidProduct(ValidationFailed):
    """A product rule is broken; ``details`` lists ``{field, message}``."""


class InvalidStockRequest(ValidationFailed):
    """A quantity, delta, order id or line is not acceptable; ``details`` lists ``{field, message}``."""


class CurrencyNotSupported(ValidationFailed):
    code = "currency_not_supported"
    message = "Prices must be in the company currency"


class InsufficientStock(Conflict):
    """Some lines ask for more than is available. The message IS the JSON ``{"shortages": [...]}``:
    Lambda puts it in the error's ``Cause``, where the saga reads the shortages."""

    code = "insufficient_stock"

    def __init__(self, shortages: list[dict[str, Any]]) -> None:
        super().__init__(json.dumps({"shortages": shortages}), details={"shortages": shortages})
        self.shortages = shortages


class PurchaseOrderNotFound(NotFound):
    code = "purchase_order_not_found"
    message = "No purchase order with this id"


class PurchaseOrderAlreadyReceived(Conflict):
    code = "purchase_order_already_received"
    message = "This purchase order has already been received"


class StaleState(Conflict):
    """What we read changed before our transaction (optimistic lock); the service re-reads and retries."""

    code = "concurrent_update"
    message = "Someone else changed this at the same time. Please retry."
