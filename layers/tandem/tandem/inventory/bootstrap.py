"""Wire the inventory service from the environment, lazily and in one place.

``INVENTORY_TABLE`` (the table), ``BASE_CURRENCY`` (prices must be in it; default EUR).
"""

from __future__ import annotations

import os

from tandem.inventory.adapters.dynamodb import DynamoUnitOfWork
from tandem.inventory.service import InventoryService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock


@per_environment("INVENTORY_TABLE", "BASE_CURRENCY")
def services() -> InventoryService:
    """The inventory service of this function's environment, built on first use."""
    table_name = os.environ["INVENTORY_TABLE"]

    def unit_of_work() -> DynamoUnitOfWork:
        # the client from the shared cache at each call: tests and the local runtime may reset it
        return DynamoUnitOfWork(table_name, client("dynamodb"))

    return InventoryService(unit_of_work, Clock(), base_currency=os.environ.get("BASE_CURRENCY") or "EUR")
