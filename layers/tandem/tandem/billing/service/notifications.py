"""Mail about invoices: the order confirmation (once per invoice) and daily payment reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tandem.billing.domain.errors import RemindersIncomplete
from tandem.billing.domain.mail import order_confirmation, payment_reminder
from tandem.billing.domain.model import Invoice
from tandem.billing.service.common import ServiceBase
from tandem.shared.errors import PersistenceError, ServiceUnavailable


@dataclass
class ReminderReport:
    day: date
    sent: list[UUID] = field(default_factory=list)
    skipped: list[UUID] = field(default_factory=list)  # already reminded today
    failed: dict[UUID, str] = field(default_factory=dict)  # invoice -> error name; its marker was released
    transient: bool = False  # one of the failures may succeed on a retry

    def raise_for_retry(self) -> None:
        """After the whole run: ``RemindersIncomplete`` if a failure was transient."""
        if self.transient:
            raise RemindersIncomplete(
                details={"failed": {str(k): v for k, v in self.failed.items()}, "sent": len(self.sent)}
            )


class NotificationUseCases(ServiceBase):
    def send_confirmation(self, invoice_id: str) -> str:
        """Mail the order confirmation with the invoice PDF; a repeat returns the first message id.

        The marker is written after SES accepted the mail: a crash in between sends twice (at least
        once), which is the side a confirmation should err on.
        """
        with self.uow() as uow:
            invoice = self._invoice(uow, invoice_id)
        sent = self.markers.confirmation(invoice.id)
        if sent is not None:
            return sent
        message_id = self.mailer.send(order_confirmation(invoice, self.documents.invoice_pdf(invoice)))
        return self.markers.mark_confirmation(invoice.id, message_id)

    def send_reminders(self) -> ReminderReport:
        """Remind every open invoice past its due date (today in the business zone), at most once a day each.

        The day's marker is claimed before sending (so two runs never both send) and released if sending
        fails (so a later run tries again). One failing invoice does not stop the others; the caller
        raises for the run when ``transient`` (``raise_for_retry``) so Lambda's retry picks them up.
        """
        report = ReminderReport(self.clock.today())  # the business day (BUSINESS_TIME_ZONE)
        with self.uow() as uow:
            due = uow.invoices.open_due_before(report.day)
        for invoice in due:
            self._remind(invoice, report)
        return report

    def _remind(self, invoice: Invoice, report: ReminderReport) -> None:
        try:
            if not self.markers.claim_reminder(invoice.id, report.day):
                report.skipped.append(invoice.id)
                return
        except PersistenceError:
            report.failed[invoice.id], report.transient = "PersistenceError", True
            return
        try:
            self.mailer.send(payment_reminder(invoice, report.day))
        except Exception as exc:  # noqa: BLE001 - any failure: release, note, go on with the next invoice
            self._release(invoice.id, report.day)
            report.failed[invoice.id] = type(exc).__name__
            report.transient |= isinstance(exc, (ServiceUnavailable, PersistenceError))
            return
        report.sent.append(invoice.id)

    def _release(self, invoice_id: UUID, day: date) -> None:
        try:
            self.markers.release_reminder(invoice_id, day)
        except PersistenceError:
            pass  # the marker stays: this invoice is reminded tomorrow instead (never twice a day)
