"""Mail about invoices: the order confirmation (once per invoice) and daily payment reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tandem.billing.domain.mail import order_confirmation, payment_reminder
from tandem.billing.ports import BillingReader, Documents, Mailer, Markers
from tandem.billing.service import get_invoice


def send_confirmation(invoice_id: str, reader: BillingReader, documents: Documents, mailer: Mailer,
                      markers: Markers) -> str:
    """Mail the order confirmation with the invoice PDF; a repeat returns the first message id.

    The marker is written after SES accepted the mail: a crash in between sends twice (at least
    once), which is the side a confirmation should err on.
    """
    invoice = get_invoice(reader, invoice_id)
    sent = markers.confirmation(invoice.id)
    if sent is not None:
        return sent
    message_id = mailer.send(order_confirmation(invoice, documents.invoice_pdf(invoice)))
    return markers.mark_confirmation(invoice.id, message_id)


@dataclass
class ReminderReport:
    sent: list[UUID] = field(default_factory=list)
    skipped: list[UUID] = field(default_factory=list)  # already reminded today


def send_reminders(reader: BillingReader, mailer: Mailer, markers: Markers, *, today: date) -> ReminderReport:
    """Remind every open invoice past its due date, at most once per invoice and day.

    The day's marker is claimed before sending (so two runs never both send) and released if
    SES fails (so the next run tries again).
    """
    report = ReminderReport()
    for invoice in reader.open_invoices_due_before(today):
        if not markers.claim_reminder(invoice.id, today):
            report.skipped.append(invoice.id)
            continue
        try:
            mailer.send(payment_reminder(invoice, today))
        except Exception:
            markers.release_reminder(invoice.id, today)
            raise
        report.sent.append(invoice.id)
    return report
