"""Build the sales service from the function's environment, lazily and in one place.

``SALES_TABLE``; ``BASE_CURRENCY`` (default EUR), ``TAX_RATES`` (JSON category -> percent, optional),
``TAX_ROUNDING`` (total | line, default total: EN 16931 BR-CO-17; ``line`` is an opt-in that is not
EN 16931); ``PAYMENT_TIMEOUT_SECONDS`` (default 900); ``SENDER_EMAIL`` (closure notices). Clients come
from tandem.shared.aws.bootstrap's cache, looked up when used, so a cached service never holds a client
that cache has forgotten (tests ``reset()`` it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from tandem.sales import api_models, saga
from tandem.sales.adapters.dynamodb import DynamoUnitOfWork
from tandem.sales.adapters.ses import SesMailer
from tandem.sales.adapters.stepfunctions import StepFunctionsTasks
from tandem.sales.domain.placement import PricingPolicy
from tandem.sales.service import SalesService
from tandem.shared.aws.bootstrap import client, per_environment
from tandem.shared.clock import Clock
from tandem.shared.pricing import TaxRounding, parse_tax_rates
from tandem.shared.saga import SagaActions


@dataclass(frozen=True, slots=True)
class Settings:
    """What sales reads from the environment; the key of the cached service."""

    table: str
    base_currency: str
    tax_rates: str | None
    tax_rounding: str
    payment_timeout_seconds: int
    sender_email: str | None

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            table=os.environ["SALES_TABLE"],
            base_currency=os.environ.get("BASE_CURRENCY") or "EUR",
            tax_rates=os.environ.get("TAX_RATES") or None,
            tax_rounding=os.environ.get("TAX_ROUNDING") or TaxRounding.TOTAL.value,
            payment_timeout_seconds=int(os.environ.get("PAYMENT_TIMEOUT_SECONDS") or 900),
            sender_email=os.environ.get("SENDER_EMAIL") or None,
        )


@per_environment("SALES_TABLE", "BASE_CURRENCY", "TAX_RATES", "TAX_ROUNDING", "PAYMENT_TIMEOUT_SECONDS", "SENDER_EMAIL")
def services() -> SalesService:
    """The sales service of this function's environment, built on first use."""
    settings = Settings.from_environment()
    # A malformed TAX_RATES raises here, on every call (failures are not cached): loud, never mispriced.
    policy = PricingPolicy(
        base_currency=settings.base_currency,
        tax_rates=parse_tax_rates(settings.tax_rates),
        rounding=TaxRounding(settings.tax_rounding),
    )

    def unit_of_work() -> DynamoUnitOfWork:
        return DynamoUnitOfWork(settings.table, client("dynamodb"))

    return SalesService(
        unit_of_work,
        Clock(),
        policy=policy,
        render=api_models.render,
        payment_timeout_seconds=settings.payment_timeout_seconds,
        mailer=SesMailer(settings.sender_email),
        tasks=StepFunctionsTasks(),
    )


def saga_actions() -> SagaActions:
    """The OrderFulfillment task actions, run by ``services()``."""
    return _saga_actions(services())


@cache
def _saga_actions(service: SalesService) -> SagaActions:
    return saga.actions(service)
