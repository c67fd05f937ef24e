"""The emails billing sends, as plain text composed from the documents (no markup, fixed subjects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tandem.billing.domain.model import Invoice


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: tuple[Attachment, ...] = ()


def _one_line(text: str) -> str:
    """Customer-supplied text stays on one line (it can never become a header or fake a paragraph)."""
    return " ".join(text.split())


def order_confirmation(invoice: Invoice, pdf: bytes) -> Mail:
    """Order confirmed: the invoice number and totals in the text, the invoice PDF attached."""
    lines = "\n".join(
        f"  {line.quantity} x {_one_line(line.name)} ({line.sku}): {line.net} {invoice.currency}"
        for line in invoice.lines
    )
    settled = (
        "Your payment has been received, thank you."
        if invoice.amount_due == 0
        else f"Amount due: {invoice.amount_due} {invoice.currency} by {invoice.due_date.isoformat()}."
    )
    text = (
        f"Hello {_one_line(invoice.customer.name)},\n\n"
        f"thank you for your order {invoice.order_id}. It is confirmed.\n\n"
        f"Invoice {invoice.number} of {invoice.issue_date.isoformat()}:\n{lines}\n\n"
        f"Net total: {invoice.net_total} {invoice.currency}\n"
        f"VAT: {invoice.tax_total} {invoice.currency}\n"
        f"Total: {invoice.gross_total} {invoice.currency}\n\n"
        f"{settled}\n\nThe invoice is attached as a PDF.\n\nKind regards,\nThe Tandem team\n"
    )
    attachment = Attachment(f"{invoice.number}.pdf", "application/pdf", pdf)
    return Mail(
        to=invoice.customer.email,
        subject=f"Order confirmed - invoice {invoice.number}",
        text=text,
        attachments=(attachment,),
    )


def payment_reminder(invoice: Invoice, today: date) -> Mail:
    """A friendly reminder with the amount still due."""
    overdue = (today - invoice.due_date).days
    text = (
        f"Hello {_one_line(invoice.customer.name)},\n\n"
        f"our records show that invoice {invoice.number} of {invoice.issue_date.isoformat()} "
        f"was due on {invoice.due_date.isoformat()} ({overdue} days ago).\n\n"
        f"Amount due: {invoice.amount_due} {invoice.currency}\n\n"
        "If you have already paid, please disregard this message.\n\nKind regards,\nThe Tandem team\n"
    )
    return Mail(to=invoice.customer.email, subject=f"Payment reminder - invoice {invoice.number}", text=text)
