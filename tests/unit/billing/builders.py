"""Builders for billing unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from tandem.billing.domain.commands import Customer, IssueInvoice, OrderLine
from tandem.billing.domain.model import Invoice
from tandem.shared.pricing import TaxRounding

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
CUSTOMER = Customer(
    "ada@example.com", "Ada Lovelace", {"line1": "1 Road", "city": "London", "postal_code": "SW1", "country": "GB"}
)


def line(quantity=1, price="10.00", rate="0.20", category="standard", sku="SKU-1") -> OrderLine:
    return OrderLine(sku, f"Item {sku}", quantity, Decimal(price), category, Decimal(rate))


def command(*lines: OrderLine, terms="invoice", rounding=TaxRounding.TOTAL, currency="EUR") -> IssueInvoice:
    return IssueInvoice(
        order_id="order-1",
        customer=CUSTOMER,
        lines=lines or (line(),),
        currency=currency,
        payment_terms=terms,
        tax_rounding=rounding,
    )


def invoice(
    *lines: OrderLine, terms="invoice", rounding=TaxRounding.TOTAL, number="INV-2026-000001", currency="EUR"
) -> Invoice:
    return Invoice.issue(
        command(*lines, terms=terms, rounding=rounding, currency=currency),
        invoice_id=uuid4(),
        number=number,
        now=NOW,
        terms_days=14,
    )
