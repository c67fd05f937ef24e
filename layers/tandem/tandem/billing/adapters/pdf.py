"""Invoice and credit-note PDFs with fpdf2 (core fonts: no font files to ship).

Core fonts speak Latin-1 only; other characters (a customer's name in another script) are shown
as "?" rather than failing the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, InvoiceLine
from tandem.shared.pricing import TaxSubtotal

DEFAULT_SELLER_NAME = "Tandem Ltd"
DEFAULT_SELLER_ADDRESS = "1 Market Street, 10115 Berlin, DE"
_COLUMNS = (("#", 8), ("Item", 72), ("Qty", 14), ("Unit price", 28), ("VAT", 18), ("Net", 30))


@dataclass(frozen=True, slots=True)
class Seller:
    name: str = DEFAULT_SELLER_NAME
    address: str = DEFAULT_SELLER_ADDRESS


def _text(value: Any) -> str:
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _address_lines(address: dict[str, Any]) -> list[str]:
    city = " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k))
    return [str(address[k]) for k in ("line1", "line2") if address.get(k)] + [
        part for part in (city, str(address.get("country") or "")) if part
    ]


class _Document:
    def __init__(self, seller: Seller) -> None:
        # Imported here: fpdf2 (with Pillow and fontTools) costs ~0.3 s of cold start, and most billing
        # invocations (API reads, the webhook, consumers) never render a document.
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", size=10)
        self.seller = seller

    def header(self, title: str, facts: list[tuple[str, str]], name: str, email: str, address: dict) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 8, _text(self.seller.name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 5, _text(self.seller.address), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, _text(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for label, value in facts:
            pdf.cell(40, 6, _text(label))
            pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for line in [name, email, *_address_lines(address)]:
            pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)

    def lines(self, lines: tuple[InvoiceLine, ...], currency: str) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "B", 9)
        for label, width in _COLUMNS:
            pdf.cell(width, 7, label, border="B")
        pdf.ln()
        pdf.set_font("Helvetica", size=9)
        for line in lines:
            cells = (
                str(line.line_number),
                f"{line.name} ({line.sku})"[:48],
                str(line.quantity),
                f"{line.unit_price} {currency}",
                _percent(line.tax_rate),
                f"{line.net} {currency}",
            )
            for (_, width), value in zip(_COLUMNS, cells, strict=True):
                pdf.cell(width, 6, _text(value))
            pdf.ln()
        pdf.ln(4)

    def totals(
        self, breakdown: tuple[TaxSubtotal, ...], net: Decimal, tax: Decimal, gross: Decimal, currency: str
    ) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 6, "VAT breakdown", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        for group in breakdown:
            pdf.cell(
                0,
                5,
                _text(
                    f"{group.tax_category} {_percent(group.tax_rate)}: taxable "
                    f"{group.taxable_amount} {currency}, VAT {group.tax_amount} {currency}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(3)
        pdf.set_font("Helvetica", size=10)
        for label, amount in (("Net total", net), ("VAT total", tax)):
            pdf.cell(150, 6, label, align="R")
            pdf.cell(0, 6, f"{amount} {currency}", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(150, 7, "Total", align="R")
        pdf.cell(0, 7, f"{gross} {currency}", align="R", new_x="LMARGIN", new_y="NEXT")

    def note(self, text: str) -> None:
        self.pdf.ln(6)
        self.pdf.set_font("Helvetica", size=9)
        self.pdf.multi_cell(0, 5, _text(text))

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_invoice(invoice: Invoice, seller: Seller) -> bytes:
    document = _Document(seller)
    document.header(
        f"Invoice {invoice.number}",
        [
            ("Invoice number", invoice.number),
            ("Issue date", invoice.issue_date.isoformat()),
            ("Due date", invoice.due_date.isoformat()),
            ("Order", invoice.order_id or "-"),
            ("Payment", "card" if invoice.payment_terms == "card" else "bank transfer"),
        ],
        invoice.customer.name,
        invoice.customer.email,
        invoice.customer.billing_address,
    )
    document.lines(invoice.lines, invoice.currency)
    document.totals(invoice.tax_breakdown, invoice.net_total, invoice.tax_total, invoice.gross_total, invoice.currency)
    document.note(f"Please quote {invoice.number} with your payment.")
    return document.output()


def render_credit_note(note: CreditNote, seller: Seller) -> bytes:
    document = _Document(seller)
    document.header(
        f"Credit note {note.number}",
        [
            ("Credit note number", note.number),
            ("Issue date", note.issue_date.isoformat()),
            ("Corrects invoice", note.invoice_number),
            ("Order", note.order_id or "-"),
        ],
        note.customer_name,
        note.customer_email,
        note.billing_address,
    )
    document.lines(note.lines, note.currency)
    document.totals(note.tax_breakdown, note.net_total, note.tax_total, note.gross_total, note.currency)
    document.note(f"This credit note corrects invoice {note.invoice_number}. Reason: {note.reason}")
    return document.output()
