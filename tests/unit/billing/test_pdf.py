"""What the invoice and credit-note PDFs say: the legal content, every name in any script, and amounts with
their currency's minor units (read back from the PDF itself, see ``pdf_text``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

from tandem.billing.adapters.pdf import Seller, render_credit_note, render_invoice
from tandem.billing.domain.crediting import credit
from tandem.billing.domain.model import Invoice

from .builders import CUSTOMER, NOW, command, invoice, line
from .pdf_text import lines

NAME = "Zoë Łukasiewicz 李"
SELLER = Seller(
    name="Tandem Gesellschaft mbH",
    address="Marktstraße 1, 10115 Berlin, DE",
    vat_id="DE123456789",
    payment_details="IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
    exemption_note="VAT exempt: intra-Community supply, Art. 138 Directive 2006/112/EC",
)


def _buyer(issued: Invoice, **changes) -> Invoice:
    issued.customer = replace(CUSTOMER, **changes)
    return issued


def test_an_invoice_names_seller_and_buyer_with_their_vat_ids_in_any_script():
    issued = _buyer(invoice(line()), name=NAME, vat_id="FR40303265045")
    text = lines(render_invoice(issued, SELLER))
    assert text[:3] == ["Tandem Gesellschaft mbH", "Marktstraße 1, 10115 Berlin, DE", "VAT ID: DE123456789"]
    bill_to = text[text.index("Bill to") + 1 :]
    assert bill_to[:6] == [NAME, "ada@example.com", "1 Road", "SW1 London", "GB", "VAT ID: FR40303265045"]
    assert "Please pay to IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX, quoting INV-2026-000001." in text


def test_a_buyer_without_a_vat_id_gets_no_vat_id_line():
    text = lines(render_invoice(invoice(line()), SELLER))
    bill_to = text[text.index("Bill to") + 1 : text.index("# | Item | Qty | Unit price | VAT | Net")]
    assert not any(row.startswith("VAT ID") for row in bill_to)


def test_the_date_of_supply_is_the_day_the_order_was_placed_in_the_business_time_zone():
    paris = ZoneInfo("Europe/Paris")
    placed = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 00:30 in Paris
    issued_at = datetime(2027, 1, 2, 9, 0, tzinfo=paris)
    issued = Invoice.issue(
        replace(command(line()), placed_at=placed),
        invoice_id=uuid4(),
        number="INV-2027-000001",
        now=issued_at,
        terms_days=14,
    )
    assert issued.supply_date.isoformat() == "2027-01-01"
    assert issued.issued_event().supply_date == issued.supply_date
    text = lines(render_invoice(issued, SELLER))
    assert "Date of supply | 2027-01-01" in text and "Issue date | 2027-01-02" in text


def test_an_order_without_a_placing_time_is_supplied_on_its_issue_date():
    issued = invoice(line())
    assert issued.supply_date == issued.issue_date == NOW.date()


def test_zero_rated_lines_carry_the_exemption_note_in_the_lines_and_the_vat_breakdown():
    issued = invoice(line(price="25.00"), line(price="36", rate="0", category="zero", sku="BOOK"))
    text = lines(render_invoice(issued, SELLER))
    assert "2 | Item BOOK (BOOK) | 1 | 36.00 EUR | 0 % * | 36.00 EUR" in text
    assert f"* {SELLER.exemption_note}" in text
    assert f"zero 0 %: taxable 36.00 EUR, VAT 0.00 EUR ({SELLER.exemption_note})" in text
    assert "standard 20 %: taxable 25.00 EUR, VAT 5.00 EUR" in text  # a taxed rate says nothing of it


def test_amounts_always_print_with_the_currencys_minor_units():
    """DynamoDB gives back 36 for 36.00 and 12.5 for 12.50: the PDF still says 36.00 and 12.50."""
    issued = invoice(line(quantity=2, price="12.50"))
    issued.lines = tuple(replace(x, unit_price=Decimal("12.5"), net=Decimal("25")) for x in issued.lines)
    issued.net_total, issued.tax_total, issued.gross_total = Decimal("25"), Decimal("5"), Decimal("30")
    text = lines(render_invoice(issued, SELLER))
    assert "1 | Item SKU-1 (SKU-1) | 2 | 12.50 EUR | 20 % | 25.00 EUR" in text
    assert ["Net total | 25.00 EUR", "VAT total | 5.00 EUR", "Total | 30.00 EUR"] == [
        row for row in text if row.startswith(("Net total", "VAT total", "Total"))
    ]


def test_yen_amounts_print_as_whole_yen():
    issued = invoice(line(price="1999", rate="0.10"), currency="JPY")
    text = lines(render_invoice(issued, SELLER))
    assert any(row.endswith("| 1999 JPY | 10 % | 1999 JPY") for row in text), text
    assert "Total | " + f"{issued.gross_total:f} JPY" in text and "." not in issued.gross_total.to_eng_string()


def test_the_fallback_font_is_embedded_only_when_a_name_needs_it():
    latin = render_invoice(_buyer(invoice(line()), name="Zoë Łukasiewicz"), SELLER)
    cjk = render_invoice(_buyer(invoice(line()), name=NAME), SELLER)
    assert b"DroidSansFallback" not in latin and b"DroidSansFallback" in cjk
    assert len(latin) < 40_000 and len(cjk) < 60_000  # only the glyphs used are embedded


def test_a_credit_note_prints_the_seller_and_the_buyer_in_any_script_with_minor_units():
    issued = _buyer(invoice(line(quantity=2, price="12.50")), name=NAME)
    note = credit(issued, None, credit_note_id=uuid4(), number="CN-2026-000001", reason="Returned", now=NOW)
    text = lines(render_credit_note(note, SELLER))
    assert text[2] == "VAT ID: DE123456789" and NAME in text
    assert "Total | 30.00 EUR" in text
    assert "This credit note corrects invoice INV-2026-000001. Reason: Returned" in text


def test_the_pdf_shows_vat_per_category_rounded_once_en_16931():
    three_lines = [line(price="10.02", sku=f"SKU-{n}") for n in range(3)]  # 3 x 2.004 rounded once: 6.01
    text = lines(render_invoice(invoice(*three_lines), SELLER))
    assert "standard 20 %: taxable 30.06 EUR, VAT 6.01 EUR" in text
    assert ["Net total | 30.06 EUR", "VAT total | 6.01 EUR", "Total | 36.07 EUR"] == [
        row for row in text if row.startswith(("Net total", "VAT total", "Total"))
    ]
