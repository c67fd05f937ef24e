"""The inventory use cases, one module per group, as the methods of one ``InventoryService``."""

from __future__ import annotations

from tandem.inventory.service.products import ProductUseCases
from tandem.inventory.service.purchasing import PurchasingUseCases
from tandem.inventory.service.reservations import ReservationUseCases
from tandem.inventory.service.stock import StockUseCases

__all__ = ["InventoryService"]


class InventoryService(ProductUseCases, StockUseCases, ReservationUseCases, PurchasingUseCases):
    """Products, stock bookings, reservations and purchase orders. Built once by ``bootstrap.services()``
    with a unit of work factory, a clock and the base currency (``UseCases.__init__``)."""
