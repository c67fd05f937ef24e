"""Wire the sales adapters from the environment, lazily and in one place.

``SALES_TABLE``; ``BASE_CURRENCY`` (default EUR), ``TAX_RATES`` (JSON category -> percent, optional),
``TAX_ROUNDING`` (line | total, default line); ``PAYMENT_TIMEOUT_SECONDS`` (default 900);
``SENDER_EMAIL``. Clients come from tandem.shared.aws.bootstrap's cache.
"""

from __future__ import annotations

import os
from functools import lru_cache

from tandem.sales.adapters.catalog import DynamoCatalog
from tandem.sales.adapters.dynamodb import DynamoOrderRepository, SalesUnitOfWork
from tandem.sales.adapters.notifications import SesMailer, StepFunctionsTasks
from tandem.sales.domain.placement import PricingPolicy
from tandem.shared.aws.bootstrap import client
from tandem.shared.pricing import TaxRounding, parse_tax_rates


def unit_of_work() -> SalesUnitOfWork:
    """A fresh unit of work on SALES_TABLE (it holds per-request state: never share one)."""
    return SalesUnitOfWork(os.environ["SALES_TABLE"], client("dynamodb"))


def orders() -> DynamoOrderRepository:
    return DynamoOrderRepository(os.environ["SALES_TABLE"], client("dynamodb"))


def catalog() -> DynamoCatalog:
    return DynamoCatalog(os.environ["SALES_TABLE"], client("dynamodb"))


def pricing_policy() -> PricingPolicy:
    """Read per call (cached by value): a malformed TAX_RATES fails loudly instead of mispricing."""
    return _policy(os.environ.get("BASE_CURRENCY") or "EUR", os.environ.get("TAX_RATES") or None,
                   os.environ.get("TAX_ROUNDING") or TaxRounding.LINE.value)


@lru_cache(maxsize=8)
def _policy(currency: str, rates: str | None, rounding: str) -> PricingPolicy:
    return PricingPolicy(base_currency=currency, tax_rates=parse_tax_rates(rates), rounding=TaxRounding(rounding))


def payment_timeout_seconds() -> int:
    return int(os.environ.get("PAYMENT_TIMEOUT_SECONDS") or 900)


def mailer() -> SesMailer:
    return SesMailer(os.environ["SENDER_EMAIL"], client("sesv2"))


def tasks() -> StepFunctionsTasks:
    return StepFunctionsTasks(client("stepfunctions"))
