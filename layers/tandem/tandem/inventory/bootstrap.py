"""Wire the inventory adapters from the environment, lazily and in one place.

``INVENTORY_TABLE`` (the table), ``BASE_CURRENCY`` (prices must be in it; default EUR).
"""

from __future__ import annotations

import os

from tandem.inventory.adapters.dynamodb import DynamoInventoryReader, InventoryUnitOfWork
from tandem.shared.aws.bootstrap import client


def unit_of_work() -> InventoryUnitOfWork:
    """A fresh unit of work on INVENTORY_TABLE (it holds per-request state: never share one)."""
    return InventoryUnitOfWork(os.environ["INVENTORY_TABLE"], client("dynamodb"))


def reader() -> DynamoInventoryReader:
    return DynamoInventoryReader(os.environ["INVENTORY_TABLE"], client("dynamodb"))


def base_currency() -> str:
    return os.environ.get("BASE_CURRENCY") or "EUR"
