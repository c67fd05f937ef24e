"""Billing's emails write amounts with their currency's minor digits, whatever DynamoDB kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from tandem.billing.domain.mail import order_confirmation, payment_reminder

from .builders import invoice, line


def test_amounts_show_the_minor_digits_of_the_currency():
    euros = replace(invoice(line(3, "12.00")), net_total=Decimal("36"), tax_total=Decimal("7.2"))
    text = order_confirmation(euros, b"%PDF").text
    assert "Net total: 36.00 EUR" in text and "VAT: 7.20 EUR" in text and "Total: 43.20 EUR" in text

    yen = invoice(line(1, "1999", "0.10", "reduced"), currency="JPY")
    text = order_confirmation(yen, b"%PDF").text
    assert "VAT: 200 JPY" in text and "Total: 2199 JPY" in text and "Amount due: 2199 JPY" in text
    reminder = payment_reminder(yen, yen.due_date + timedelta(days=3)).text
    assert "Amount due: 2199 JPY" in reminder
