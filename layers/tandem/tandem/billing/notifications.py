"""Mail about invoices: the order confirmation (once per invoice) and daily payment reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tandem.billing.domain.mail import order_confirmation, payment_reminder
from tandem.billing.ports import BillingReader, Documents, Mailer, Markers
from tandem.billing.service import get_invoice
from tandem.shared.errors import PersistenceError, ServiceUnavailable


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
    failed: dict[UUID, str] = field(default_factory=dict)  # invoice -> error name; its marker was released
    transient: bool = False  # one of the failures may succeed on a retry


class RemindersIncomplete(ServiceUnavailable):
    """Some reminders failed for now; a retry of the run sends them (the sent ones are skipped)."""

    code = "reminders_incomplete"


def send_reminders(reader: BillingReader, mailer: Mailer, markers: Markers, *, today: date) -> ReminderReport:
    """Remind every open invoice past its due date, at most once per invoice and day.

    The day's marker is claimed before sending (so two runs never both send) and released if sending
    fails (so a later run tries again). One failing invoice does not stop the others; the caller
    raises for the run when ``transient`` (see ``raise_for_retry``) so Lambda's retry picks them up.
    """
    report = ReminderReport()
    for invoice in reader.open_invoices_due_before(today):
        try:
            if not markers.claim_reminder(invoice.id, today):
                report.skipped.append(invoice.id)
                continue
        except PersistenceError:
            report.failed[invoice.id], report.transient = "PersistenceError", True
            continue
        try:
            mailer.send(payment_reminder(invoice, today))
        except Exception as exc:  # noqa: BLE001 - any failure: release, note, go on with the next invoice
            _release(markers, invoice.id, today)
            report.failed[invoice.id] = type(exc).__name__
            report.transient |= isinstance(exc, (ServiceUnavailable, PersistenceError))
            continue
        report.sent.append(invoice.id)
    return report


def _release(markers: Markers, invoice_id: UUID, today: date) -> None:
    try:
        markers.release_reminder(invoice_id, today)
    except PersistenceError:
        pass  # the marker stays: this invoice is reminded tomorrow instead (never twice a day)


def raise_for_retry(report: ReminderReport) -> None:
    """After the whole run: ``RemindersIncomplete`` if a failure was transient."""
    if report.transient:
        raise RemindersIncomplete(details={"failed": {str(k): v for k, v in report.failed.items()},
                                           "sent": len(report.sent)})
