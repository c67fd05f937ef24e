"""Invoice and credit-note PDFs with fpdf2, in bundled Unicode fonts so every name prints.

What the law asks an invoice to say (EU VAT Directive art. 226, EN 16931): the seller's legal name,
address and VAT number, the buyer's VAT number when the order named one, the date of supply, the VAT
breakdown per rate with the exemption reason of zero-rated supplies, and how to pay. Amounts are printed
with their currency's minor units (``tandem.shared.money.amount_text``: "36.00 EUR", "1999 JPY").

Fonts: ``tandem.shared.pdf`` (DejaVu Sans, and Droid Sans Fallback loaded only when a name needs it), shared
with payroll's payslips.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, InvoiceLine
from tandem.shared.money import amount_text
from tandem.shared.pdf import UnicodeDocument
from tandem.shared.pricing import TaxSubtotal

# Placeholders so `make run` works; a deployment sets the template parameters SellerLegalName,
# SellerAddress, SellerVatId, SellerPaymentDetails and VatExemptionNote.
DEFAULT_SELLER_NAME = "Tandem Ltd"
DEFAULT_SELLER_ADDRESS = "1 Market Street, 10115 Berlin, DE"
DEFAULT_SELLER_VAT_ID = "DE000000000"
DEFAULT_PAYMENT_DETAILS = "IBAN DE00 0000 0000 0000 0000 00, BIC TANDDEXXXXX"
DEFAULT_EXEMPTION_NOTE = "VAT exempt"
_COLUMNS = (("#", 8), ("Item", 72), ("Qty", 14), ("Unit price", 28), ("VAT", 18), ("Net", 30))


@dataclass(frozen=True, slots=True)
class Seller:
    """Who issues the documents, as every invoice must name them, and what zero-rated lines say."""

    name: str = DEFAULT_SELLER_NAME
    address: str = DEFAULT_SELLER_ADDRESS
    vat_id: str = DEFAULT_SELLER_VAT_ID
    payment_details: str = DEFAULT_PAYMENT_DETAILS
    exemption_note: str = DEFAULT_EXEMPTION_NOTE


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _exempt(rate: Decimal) -> bool:
    return rate == 0


def _address_lines(address: dict[str, Any]) -> list[str]:
    city = " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k))
    return [str(address[k]) for k in ("line1", "line2") if address.get(k)] + [
        part for part in (city, str(address.get("country") or "")) if part
    ]


class _Document(UnicodeDocument):
    def __init__(self, seller: Seller, currency: str) -> None:
        super().__init__()
        self.seller = seller
        self.currency = currency

    def money(self, amount: Decimal) -> str:
        return f"{amount_text(amount, self.currency)} {self.currency}"

    def header(self, title: str, facts: list[tuple[str, str]], buyer: list[str]) -> None:
        pdf = self.pdf
        self.font(14, "B")
        self.cell(0, 8, self.seller.name, new_x="LMARGIN", new_y="NEXT")
        self.font(9)
        self.cell(0, 5, self.seller.address, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5, f"VAT ID: {self.seller.vat_id}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        self.font(16, "B")
        self.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        self.font(10)
        for label, value in facts:
            self.cell(40, 6, label)
            self.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        self.font(10, "B")
        self.cell(0, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
        self.font(10)
        for line in buyer:
            self.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)

    def lines(self, lines: tuple[InvoiceLine, ...]) -> None:
        pdf = self.pdf
        self.font(9, "B")
        for label, width in _COLUMNS:
            self.cell(width, 7, label, border="B")
        pdf.ln()
        self.font(9)
        for line in lines:
            cells = (
                str(line.line_number),
                f"{line.name} ({line.sku})"[:48],
                str(line.quantity),
                self.money(line.unit_price),
                _percent(line.tax_rate) + (" *" if _exempt(line.tax_rate) else ""),
                self.money(line.net),
            )
            for (_, width), value in zip(_COLUMNS, cells, strict=True):
                self.cell(width, 6, value)
            pdf.ln()
        if any(_exempt(line.tax_rate) for line in lines):
            self.cell(0, 6, f"* {self.seller.exemption_note}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    def totals(self, breakdown: tuple[TaxSubtotal, ...], net: Decimal, tax: Decimal, gross: Decimal) -> None:
        pdf = self.pdf
        self.font(9, "B")
        self.cell(0, 6, "VAT breakdown", new_x="LMARGIN", new_y="NEXT")
        self.font(9)
        for group in breakdown:
            text = (
                f"{group.tax_category} {_percent(group.tax_rate)}: taxable "
                f"{self.money(group.taxable_amount)}, VAT {self.money(group.tax_amount)}"
            )
            if _exempt(group.tax_rate):
                text += f" ({self.seller.exemption_note})"
            self.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        self.font(10)
        for label, amount in (("Net total", net), ("VAT total", tax)):
            self.cell(150, 6, label, align="R")
            self.cell(0, 6, self.money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        self.font(11, "B")
        self.cell(150, 7, "Total", align="R")
        self.cell(0, 7, self.money(gross), align="R", new_x="LMARGIN", new_y="NEXT")

    def note(self, text: str) -> None:
        self.pdf.ln(6)
        self.font(9)
        self.paragraph(text)


def _buyer(name: str, email: str, address: dict[str, Any], vat_id: str | None) -> list[str]:
    return [name, email, *_address_lines(address), *([f"VAT ID: {vat_id}"] if vat_id else [])]


def render_invoice(invoice: Invoice, seller: Seller) -> bytes:
    document = _Document(seller, invoice.currency)
    customer = invoice.customer
    document.header(
        f"Invoice {invoice.number}",
        [
            ("Invoice number", invoice.number),
            ("Issue date", invoice.issue_date.isoformat()),
            ("Date of supply", (invoice.supply_date or invoice.issue_date).isoformat()),
            ("Due date", invoice.due_date.isoformat()),
            ("Order", invoice.order_id or "-"),
            ("Payment", "card" if invoice.payment_terms == "card" else "bank transfer"),
        ],
        _buyer(customer.name, customer.email, customer.billing_address, customer.vat_id),
    )
    document.lines(invoice.lines)
    document.totals(invoice.tax_breakdown, invoice.net_total, invoice.tax_total, invoice.gross_total)
    if invoice.payment_terms == "card":
        document.note(f"Payment by card. Please quote {invoice.number} in any correspondence.")
    else:
        document.note(f"Please pay to {seller.payment_details}, quoting {invoice.number}.")
    return document.output()


def render_credit_note(note: CreditNote, seller: Seller) -> bytes:
    document = _Document(seller, note.currency)
    document.header(
        f"Credit note {note.number}",
        [
            ("Credit note number", note.number),
            ("Issue date", note.issue_date.isoformat()),
            ("Corrects invoice", note.invoice_number),
            ("Order", note.order_id or "-"),
        ],
        _buyer(note.customer_name, note.customer_email, note.billing_address, None),
    )
    document.lines(note.lines)
    document.totals(note.tax_breakdown, note.net_total, note.tax_total, note.gross_total)
    document.note(f"This credit note corrects invoice {note.invoice_number}. Reason: {note.reason}")
    return document.output()
