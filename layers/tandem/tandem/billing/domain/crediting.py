"""Credit notes: correct an issued invoice by crediting some or all of its remaining quantities.

A note is a document of its own, priced with ``price_lines`` in the invoice's currency and rounding
mode: in EN 16931's ``total`` mode (the default) its VAT per category is ITS OWN taxable amount x rate,
rounded once to the currency's minor unit (BR-CO-17), never a share of the invoice's VAT. So that the
notes of one invoice add up to it EXACTLY (not only to within a rounding), the last one takes the rest:

* a note that credits a line's LAST remaining units takes exactly the net left on that line (a partial
  credit never takes more net than is left);
* a note that credits the last remaining units of a VAT category takes exactly the VAT left in it
  (invoice minus every earlier note), which may differ from its own base x rate by the earlier notes'
  roundings (at most half a minor unit each); an earlier note never takes more VAT than is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tandem.billing.domain.commands import CreditLine
from tandem.billing.domain.errors import CreditExceedsInvoice, InvalidCreditLines, InvoiceAlreadyCredited
from tandem.billing.domain.events import CreditNoteIssued
from tandem.billing.domain.model import (
    CreditNoteRef,
    Invoice,
    InvoiceLine,
    document_line,
    tax_data,
    tax_key,
)
from tandem.billing.domain.rules import ZERO
from tandem.shared.envelope import DomainEvent
from tandem.shared.money import round_to_minor
from tandem.shared.pricing import LineInput, TaxSubtotal, price_lines


@dataclass
class CreditNote:
    id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    order_id: str | None
    customer_email: str
    customer_name: str
    billing_address: dict[str, Any]
    currency: str
    reason: str
    issued_at: datetime
    lines: tuple[InvoiceLine, ...]  # the credited quantities, numbered like the invoice's lines
    tax_breakdown: tuple[TaxSubtotal, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    completes_invoice: bool  # this note credited the invoice's last remaining quantities
    issued_on: date | None = None  # the business day of issue (BUSINESS_TIME_ZONE); None: issued_at's UTC day
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @property
    def issue_date(self) -> date:
        return self.issued_on or self.issued_at.date()


def requested_quantities(invoice: Invoice, lines: tuple[CreditLine, ...] | None) -> dict[int, int]:
    """Line number -> quantity to credit; every remaining quantity when ``lines`` is None."""
    if invoice.fully_credited:
        raise InvoiceAlreadyCredited(details={"invoice_id": str(invoice.id)})
    remaining = {
        line.line_number: line.quantity - invoice.credited_quantity(line.line_number) for line in invoice.lines
    }
    if lines is None:
        return {number: left for number, left in remaining.items() if left > 0}
    unknown = [line.line_number for line in lines if line.line_number not in remaining]
    if unknown:
        raise InvalidCreditLines(
            details=[{"field": "lines", "message": f"no line {n} on the invoice"} for n in unknown]
        )
    too_many = [
        {"line_number": line.line_number, "requested": line.quantity, "remaining": remaining[line.line_number]}
        for line in lines
        if line.quantity > remaining[line.line_number]
    ]
    if too_many:
        raise CreditExceedsInvoice(details={"lines": too_many})
    return {line.line_number: line.quantity for line in lines}


def credit(
    invoice: Invoice,
    lines: tuple[CreditLine, ...] | None,
    *,
    credit_note_id: UUID,
    number: str,
    reason: str,
    now: datetime,
) -> CreditNote:
    """Issue credit note ``number`` on ``invoice`` and update the invoice's credited state and status."""
    quantities = requested_quantities(invoice, lines)
    chosen = [line for line in invoice.lines if line.line_number in quantities]
    completes = all(
        invoice.credited_quantity(line.line_number) + quantities.get(line.line_number, 0) >= line.quantity
        for line in invoice.lines
    )
    priced = price_lines(
        [_input(invoice, line, quantities[line.line_number]) for line in chosen],
        currency=invoice.currency,
        rounding=invoice.tax_rounding,
    )
    nets = [amounts.net for amounts in priced.lines]
    breakdown = [
        _remaining_group(invoice, group, capped=not _group_completed(invoice, group, quantities))
        for group in priced.tax_breakdown
    ]
    credited_lines = tuple(
        InvoiceLine(
            line.line_number,
            line.sku,
            line.name,
            quantities[line.line_number],
            line.unit_price,
            line.tax_category,
            line.tax_rate,
            net,
        )
        for line, net in zip(chosen, nets, strict=True)
    )
    zero = round_to_minor(ZERO, invoice.currency)
    net_total = sum(nets, zero)
    tax_total = sum((group.tax_amount for group in breakdown), zero)
    note = CreditNote(
        id=credit_note_id,
        number=number,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        order_id=invoice.order_id,
        customer_email=invoice.customer.email,
        customer_name=invoice.customer.name,
        billing_address=dict(invoice.customer.billing_address),
        currency=invoice.currency,
        reason=reason.strip(),
        issued_at=now,
        issued_on=now.date(),  # ``now`` is in the business time zone
        lines=credited_lines,
        tax_breakdown=tuple(breakdown),
        net_total=net_total,
        tax_total=tax_total,
        gross_total=net_total + tax_total,
        completes_invoice=completes,
    )
    _book(invoice, note)
    note.events.append(issued_event(note))
    return note


def _input(invoice: Invoice, line: InvoiceLine, quantity: int) -> LineInput:
    """The line to price. A note that credits a line's last units takes exactly the net left on it;
    a partial credit never takes more than is left (rounding up units one by one could)."""
    left = line.net - Decimal(invoice.credited_lines.get(line.line_number, [0, ZERO])[1])
    partial = line.priced(quantity)
    if (
        invoice.credited_quantity(line.line_number) + quantity < line.quantity
        and round_to_minor(partial.unit_price * quantity, invoice.currency) <= left
    ):
        return partial
    return LineInput(quantity=1, unit_price=left, tax_rate=line.tax_rate, tax_category=line.tax_category)


def _group_completed(invoice: Invoice, group: TaxSubtotal, quantities: dict[int, int]) -> bool:
    """After this note, every line of the tax group is fully credited (its VAT is then what is left)."""
    key = tax_key(group.tax_category, group.tax_rate)
    return all(
        invoice.credited_quantity(line.line_number) + quantities.get(line.line_number, 0) >= line.quantity
        for line in invoice.lines
        if tax_key(line.tax_category, line.tax_rate) == key
    )


def _remaining_group(invoice: Invoice, group: TaxSubtotal, *, capped: bool) -> TaxSubtotal:
    """The note's group with its VAT: what is left on the invoice when the note completes the group
    (``capped`` False), else its own VAT but never more than is left."""
    _, tax = invoice.credited_tax.get(tax_key(group.tax_category, group.tax_rate), [ZERO, ZERO])
    original = next(
        g
        for g in invoice.tax_breakdown
        if tax_key(g.tax_category, g.tax_rate) == tax_key(group.tax_category, group.tax_rate)
    )
    left = round_to_minor(original.tax_amount - Decimal(tax), invoice.currency)  # exact: written in its digits
    amount = min(group.tax_amount, left) if capped else left
    return TaxSubtotal(group.tax_category, group.tax_rate, group.taxable_amount, amount)


def _book(invoice: Invoice, note: CreditNote) -> None:
    for line in note.lines:
        quantity, net = invoice.credited_lines.get(line.line_number, [0, ZERO])
        invoice.credited_lines[line.line_number] = [int(quantity) + line.quantity, Decimal(net) + line.net]
    for group in note.tax_breakdown:
        key = tax_key(group.tax_category, group.tax_rate)
        taxable, tax = invoice.credited_tax.get(key, [ZERO, ZERO])
        invoice.credited_tax[key] = [Decimal(taxable) + group.taxable_amount, Decimal(tax) + group.tax_amount]
    invoice.credited_total += note.gross_total
    invoice.credit_notes.append(CreditNoteRef(id=note.id, number=note.number, gross_total=note.gross_total))
    invoice.settle()


def issued_event(note: CreditNote) -> CreditNoteIssued:
    return CreditNoteIssued(
        credit_note_id=note.id,
        number=note.number,
        invoice_id=note.invoice_id,
        invoice_number=note.invoice_number,
        order_id=note.order_id,
        customer_email=note.customer_email,
        currency=note.currency,
        reason=note.reason,
        issue_date=note.issue_date,
        lines=[document_line(line) for line in note.lines],
        tax_breakdown=[tax_data(group) for group in note.tax_breakdown],
        net_total=note.net_total,
        tax_total=note.tax_total,
        gross_total=note.gross_total,
    )
