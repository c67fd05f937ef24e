"""How a commerce or support event reads on the customer timeline: one-line summaries (plain text, one line,
bounded; a support message shows a short excerpt, never its whole text)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tandem.shared.money import amount_text
from tandem.shared.text import one_line

SUMMARY_MAX = 200


def clean(text: str, limit: int = 120) -> str:
    """Free text from another context (a reason) as one short printable line."""
    single = one_line(text)
    return single if len(single) <= limit else single[: limit - 1] + "…"


def _items(quantities: Iterable[int]) -> str:
    count = sum(quantities)
    return f"{count} item" if count == 1 else f"{count} items"


def _money(currency: str, amount: Decimal) -> str:
    """``EUR 36.00``, ``JPY 2199``: the currency's ISO 4217 minor digits, whatever the event wrote."""
    return f"{clean(currency, 3)} {amount_text(amount, currency)}"


def _bounded(text: str) -> str:
    return clean(text, SUMMARY_MAX)


def order_placed(quantities: Iterable[int], currency: str, gross_total: Decimal) -> str:
    return _bounded(f"Order placed: {_items(quantities)}, {_money(currency, gross_total)}")


def order_confirmed(invoice_number: str | None) -> str:
    return _bounded(f"Order confirmed: invoice {clean(invoice_number, 40)}" if invoice_number else "Order confirmed")


def order_rejected(reason: str) -> str:
    return _bounded(f"Order rejected: {clean(reason)}")


def order_cancelled(reason: str) -> str:
    return _bounded(f"Order cancelled: {clean(reason)}")


def order_shipped(quantities: Iterable[int]) -> str:
    return _bounded(f"Order shipped: {_items(quantities)}")


def invoice_issued(number: str, currency: str, gross_total: Decimal) -> str:
    return _bounded(f"Invoice {clean(number, 40)} issued: {_money(currency, gross_total)}")


def credit_note_issued(number: str, invoice_number: str | None, currency: str, gross_total: Decimal) -> str:
    target = f" for invoice {clean(invoice_number, 40)}" if invoice_number else ""
    return _bounded(f"Credit note {clean(number, 40)} issued{target}: {_money(currency, gross_total)}")


def payment_received(currency: str, amount: Decimal, unapplied: Decimal | None) -> str:
    extra = f" ({_money(currency, unapplied)} unapplied)" if unapplied else ""
    return _bounded(f"Payment received: {_money(currency, amount)}{extra}")


def invoice_paid(number: str) -> str:
    return _bounded(f"Invoice {clean(number, 40)} paid")


EXCERPT_MAX = 120  # of a support message on the timeline: the ticket holds the whole text
CHANNELS = {"email": "by email", "web_form": "from the web form", "app": "in the app", "assistant": "via the assistant"}


def _ticket(number: str) -> str:
    return f"ticket {clean(number, 20)}"


def ticket_opened(number: str, channel: str, subject: str) -> str:
    how = CHANNELS.get(channel, "")
    return _bounded(f"Ticket {clean(number, 20)} opened{' ' + how if how else ''}: {clean(subject)}")


def ticket_message(number: str, excerpt: str, auto_reply: bool) -> str:
    if auto_reply:
        return _bounded(f"Automatic reply on {_ticket(number)}")
    return _bounded(f"Message on {_ticket(number)}: {clean(excerpt, EXCERPT_MAX)}")


def ticket_replied(number: str, excerpt: str) -> str:
    return _bounded(f"Support replied on {_ticket(number)}: {clean(excerpt, EXCERPT_MAX)}")


def ticket_status_changed(number: str, from_status: str, to_status: str) -> str:
    def said(status: str) -> str:
        return clean(status, 20).replace("_", " ")

    return _bounded(f"Ticket {clean(number, 20)} is now {said(to_status)} (was {said(from_status)})")


def ticket_merged(number: str, into_number: str) -> str:
    return _bounded(f"Ticket {clean(number, 20)} merged into {clean(into_number, 20)}")


def csat_recorded(number: str, rating: int) -> str:
    """The customer's satisfaction rating of a solved ticket (the comment stays with the support desk)."""
    return _bounded(f"Ticket {clean(number, 20)} rated {rating} of 5 by the customer")
