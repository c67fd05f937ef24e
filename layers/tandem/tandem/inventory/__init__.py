"""Inventory bounded context: products, the stock ledger, reservations and purchase orders."""
