"""Ledger adapters (DynamoDB)."""
