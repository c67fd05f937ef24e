"""The emails billing sends, as plain text composed from the documents (no markup, fixed subjects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tandem.billing.domain.model import Invoice
from tandem.billing.domain.refunds import Refund
from tandem.shared.money import amount_text
from tandem.shared.text import one_line


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
    """Customer-supplied text stays on one printable line (it can never become a header or fake a
    paragraph; ``tandem.shared.text.one_line``)."""
    return one_line(text)


def _money(amount: Decimal, currency: str) -> str:
    """``"36.00 EUR"``, ``"2199 JPY"``: the currency's minor digits, whatever DynamoDB kept."""
    return f"{amount_text(amount, currency)} {currency}"


def order_confirmation(invoice: Invoice, pdf: bytes) -> Mail:
    """Order confirmed: the invoice number and totals in the text, the invoice PDF attached."""
    lines = "\n".join(
        f"  {line.quantity} x {_one_line(line.name)} ({line.sku}): {_money(line.net, invoice.currency)}"
        for line in invoice.lines
    )
    settled = (
        "Your payment has been received, thank you."
        if invoice.amount_due == 0
        else f"Amount due: {_money(invoice.amount_due, invoice.currency)} by {invoice.due_date.isoformat()}."
    )
    text = (
        f"Hello {_one_line(invoice.customer.name)},\n\n"
        f"thank you for your order {invoice.order_id}. It is confirmed.\n\n"
        f"Invoice {invoice.number} of {invoice.issue_date.isoformat()}:\n{lines}\n\n"
        f"Net total: {_money(invoice.net_total, invoice.currency)}\n"
        f"VAT: {_money(invoice.tax_total, invoice.currency)}\n"
        f"Total: {_money(invoice.gross_total, invoice.currency)}\n\n"
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
        f"Amount due: {_money(invoice.amount_due, invoice.currency)}\n\n"
        "If you have already paid, please disregard this message.\n\nKind regards,\nThe Tandem team\n"
    )
    return Mail(to=invoice.customer.email, subject=f"Payment reminder - invoice {invoice.number}", text=text)


_REFUND_WHY = {
    "order_rejected": "your order {order} could not be accepted",
    "order_cancelled": "your order {order} was cancelled",
    "invoice_credited": "invoice {invoice} was credited below what you had paid",
    "overpaid": "your payment for invoice {invoice} was more than was due",
    "duplicate_payment": "we received more than one payment for the same bill",
    "unmatched_payment": "we received a payment we could not match to an order or invoice",
}


def refund_due(refund: Refund) -> Mail:
    """The customer is told once what is owed back, why, and that they will hear when it is paid out."""
    why = _REFUND_WHY[refund.reason.value].format(
        order=_one_line(refund.order_id or ""), invoice=_one_line(refund.invoice_number or "")
    )
    text = (
        "Hello,\n\n"
        f"we owe you {amount_text(refund.amount, refund.currency)} {refund.currency}: {why}.\n\n"
        "We are paying it back to you through the payment method you used; you do not need to do anything. "
        "It can take a few business days to reach you.\n\n"
        f"Reference: refund {refund.id}\n\nKind regards,\nThe Tandem team\n"
    )
    return Mail(to=_one_line(refund.customer_email or ""), subject="Money we owe you back", text=text)
