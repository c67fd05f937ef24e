"""Wire the ledger adapters from the environment, lazily and in one place.

Handlers call these per invocation; boto3 clients are cached in tandem.shared.aws.bootstrap.
"""

from __future__ import annotations

import os

from tandem.ledger.adapters.dynamodb import DynamoLedgerRepository, LedgerUnitOfWork
from tandem.shared.aws.bootstrap import client


def unit_of_work() -> LedgerUnitOfWork:
    """A fresh unit of work on LEDGER_TABLE (it holds per-request state: never share one)."""
    return LedgerUnitOfWork(os.environ["LEDGER_TABLE"], client("dynamodb"))


def ledger() -> DynamoLedgerRepository:
    return DynamoLedgerRepository(os.environ["LEDGER_TABLE"], client("dynamodb"))


def base_currency() -> str:
    """The company currency the ledger is kept in (template parameter BaseCurrency)."""
    return os.environ.get("BASE_CURRENCY", "EUR")
