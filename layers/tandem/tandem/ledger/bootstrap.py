"""Wire the ledger service from the environment, lazily and in one place.

``LEDGER_TABLE``; ``BASE_CURRENCY`` (template parameter BaseCurrency, default EUR); ``BUSINESS_TIME_ZONE``
(template parameter BusinessTimeZone, default Europe/Paris: the day payments are dated with, "today").
The service is built once per configuration: on Lambda that is once per container; where one process
hosts several functions or stacks (the local runtime, the tests) each environment gets its own. The
DynamoDB client is taken from tandem.shared.aws.bootstrap's cache for each unit of work, so a test that
starts a fresh moto (and resets that cache) is served by a fresh client.
"""

from __future__ import annotations

import os

from tandem.ledger.adapters.dynamodb import DynamoUnitOfWork
from tandem.ledger.service import LedgerService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock, business_zone


@per_environment("LEDGER_TABLE", "BASE_CURRENCY", "BUSINESS_TIME_ZONE")
def services() -> LedgerService:
    """The ledger service of this function's environment."""
    table_name, base_currency = os.environ["LEDGER_TABLE"], os.environ.get("BASE_CURRENCY", "EUR")

    def unit_of_work() -> DynamoUnitOfWork:
        """A fresh unit of work (it holds per-request state: never share one)."""
        return DynamoUnitOfWork(table_name, client("dynamodb"))

    clock = Clock(zone=business_zone(os.environ.get("BUSINESS_TIME_ZONE")))
    return LedgerService(unit_of_work, clock, base_currency=base_currency)
