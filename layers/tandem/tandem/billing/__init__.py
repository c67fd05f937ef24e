"""Billing: invoices, credit notes and payments (issue 3, order to cash)."""
