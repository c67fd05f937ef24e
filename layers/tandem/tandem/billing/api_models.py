"""HTTP request and response models of the billing API (amounts as decimal strings)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.billing.domain.commands import CreditInvoice, CreditLine
from tandem.billing.domain.crediting import CreditNote
from tandem.billing.domain.model import Invoice, InvoiceLine
from tandem.billing.domain.rules import REASON_MAX
from tandem.billing.service import PaymentOutcome, PaymentResult, Reply
from tandem.shared import request_keys
from tandem.shared.auth import claims_of
from tandem.shared.money import amount_text
from tandem.shared.paging import Page
from tandem.shared.pricing import TaxSubtotal


def _money(value: Decimal) -> str:
    # No currency on purpose: billing prices in cents whatever the currency (tandem.shared.pricing),
    # so its amounts always show two digits (amount_text's default).
    return amount_text(value, None)


def line_view(line: InvoiceLine) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": str(line.unit_price),
        "tax_category": line.tax_category,
        "tax_rate": str(line.tax_rate),
        "net": _money(line.net),
    }


def tax_view(group: TaxSubtotal) -> dict[str, str]:
    return {
        "tax_category": group.tax_category,
        "tax_rate": str(group.tax_rate),
        "taxable_amount": _money(group.taxable_amount),
        "tax_amount": _money(group.tax_amount),
    }


class CreditLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    line_number: Annotated[int, Field(ge=1, le=1000)]
    quantity: Annotated[int, Field(ge=1, le=1_000_000)]


class CreditNoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX, examples=["Damaged on delivery"])]
    lines: Annotated[
        list[CreditLineIn] | None,
        Field(min_length=1, max_length=100, description="Omit to credit everything that remains"),
    ] = None

    def to_command(self, invoice_id: str) -> CreditInvoice:
        lines = None if self.lines is None else tuple(CreditLine(x.line_number, x.quantity) for x in self.lines)
        return CreditInvoice(invoice_id=invoice_id, reason=self.reason, lines=lines)

    def reply(self, invoice_id: str, event: Mapping[str, Any]) -> Reply[CreditNote]:
        """How the created note is answered (also what an Idempotency-Key replay answers), with the
        request's Idempotency-Key header, if any, scoped to the caller (the token's ``sub``)."""
        fingerprint = request_keys.fingerprint({"invoice_id": invoice_id, "body": self.model_dump(mode="json")})
        return Reply(
            render=lambda note: CreditNoteView.of(note).model_dump(mode="json"),
            fingerprint=fingerprint,
            caller=claims_of(event).get("sub"),
            key=request_keys.header(event.get("headers")),
        )


class CreditNoteView(BaseModel):
    id: str
    number: str
    invoice_id: str
    invoice_number: str
    order_id: str | None
    currency: str
    reason: str
    issue_date: str
    lines: list[dict[str, Any]]
    tax_breakdown: list[dict[str, str]]
    net_total: str
    tax_total: str
    gross_total: str

    @classmethod
    def of(cls, note: CreditNote) -> CreditNoteView:
        return cls(
            id=str(note.id),
            number=note.number,
            invoice_id=str(note.invoice_id),
            invoice_number=note.invoice_number,
            order_id=note.order_id,
            currency=note.currency,
            reason=note.reason,
            issue_date=note.issue_date.isoformat(),
            lines=[line_view(x) for x in note.lines],
            tax_breakdown=[tax_view(g) for g in note.tax_breakdown],
            net_total=_money(note.net_total),
            tax_total=_money(note.tax_total),
            gross_total=_money(note.gross_total),
        )


class InvoiceView(BaseModel):
    id: str
    number: str
    status: str
    order_id: str | None
    customer: dict[str, Any]
    currency: str
    issue_date: str
    due_date: str
    payment_terms: str
    lines: list[dict[str, Any]]
    tax_breakdown: list[dict[str, str]]
    net_total: str
    tax_total: str
    gross_total: str
    amount_paid: str
    amount_due: str
    overpaid_amount: str
    credit_notes: list[dict[str, str]]

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        customer = {
            "email": invoice.customer.email,
            "name": invoice.customer.name,
            "billing_address": dict(invoice.customer.billing_address),
        }
        return cls(
            id=str(invoice.id),
            number=invoice.number,
            status=invoice.status.value,
            order_id=invoice.order_id,
            customer=customer,
            currency=invoice.currency,
            issue_date=invoice.issue_date.isoformat(),
            due_date=invoice.due_date.isoformat(),
            payment_terms=invoice.payment_terms,
            lines=[line_view(x) for x in invoice.lines],
            tax_breakdown=[tax_view(g) for g in invoice.tax_breakdown],
            net_total=_money(invoice.net_total),
            tax_total=_money(invoice.tax_total),
            gross_total=_money(invoice.gross_total),
            amount_paid=_money(invoice.amount_paid),
            amount_due=_money(invoice.amount_due),
            overpaid_amount=_money(invoice.overpaid_amount),
            credit_notes=[
                {"id": str(r.id), "number": r.number, "gross_total": _money(r.gross_total)}
                for r in invoice.credit_notes
            ],
        )


class InvoiceList(BaseModel):
    invoices: list[InvoiceView]
    next_token: str | None = Field(default=None, description="Pass as ?next_token= for the next page")

    @classmethod
    def of(cls, page: Page[Invoice]) -> InvoiceList:
        return cls(invoices=[InvoiceView.of(invoice) for invoice in page.items], next_token=page.cursor)


def payment_answer(result: PaymentResult) -> dict[str, Any]:
    """The webhook's 200 body: ``{"payment_id", "duplicate"}``, plus ``"ignored": true`` for event types we
    do not act on."""
    payment_id = str(result.payment_id) if result.payment_id is not None else None
    answer: dict[str, Any] = {"payment_id": payment_id, "duplicate": result.outcome is PaymentOutcome.DUPLICATE}
    if result.outcome is PaymentOutcome.IGNORED:
        answer["ignored"] = True
    return answer
