"""Inventory adapters (DynamoDB)."""
