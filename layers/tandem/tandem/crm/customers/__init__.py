"""Customers: who bought from us and what happened since, recorded from sales and billing events."""
