"""The sales use cases: one ``SalesService``, its methods grouped by who calls them (``orders``: the API and
the catalog; ``fulfillment``: the OrderFulfillment saga, payments and closure notices)."""

from __future__ import annotations

from tandem.sales.service.base import ATTEMPTS
from tandem.sales.service.fulfillment import FulfillmentUseCases, NoticeSent, PaymentOutcome, SagaStep
from tandem.sales.service.orders import KeyedRequest, OrderUseCases, Placement

__all__ = ["ATTEMPTS", "KeyedRequest", "NoticeSent", "PaymentOutcome", "Placement", "SagaStep", "SalesService"]


class SalesService(OrderUseCases, FulfillmentUseCases):
    """Every sales use case. ``bootstrap.services()`` builds it once per environment with a unit of work
    factory, the clock and the configuration (see ``ServiceBase``)."""
