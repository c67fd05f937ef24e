"""Reminder runs: one failing invoice never stops the others; transient failures make the run retry."""

from __future__ import annotations

import pytest
from tandem.billing.domain.errors import MailNotSent, RemindersIncomplete
from tandem.billing.service import BillingConfig, BillingService
from tandem.shared.clock import Clock
from tandem.shared.errors import ServiceUnavailable

from tests.unit.billing.builders import NOW, invoice

TODAY = NOW.date()  # the fake unit of work returns its invoices for any day


class Invoices:
    def __init__(self, invoices):
        self.invoices = invoices

    def open_due_before(self, day):
        return self.invoices


class UnitOfWork:
    def __init__(self, invoices):
        self.invoices = Invoices(invoices)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass


def send_reminders(invoices, mailer, markers):
    service = BillingService(
        lambda: UnitOfWork(invoices),
        Clock(now=lambda: NOW),
        documents=None,
        mailer=mailer,
        markers=markers,
        config=BillingConfig(),
    )
    return service.send_reminders()


def raise_for_retry(report):
    report.raise_for_retry()


class Markers:
    def __init__(self):
        self.claimed: set = set()

    def claim_reminder(self, invoice_id, day):
        if (invoice_id, day) in self.claimed:
            return False
        self.claimed.add((invoice_id, day))
        return True

    def release_reminder(self, invoice_id, day):
        self.claimed.discard((invoice_id, day))


class Mailer:
    def __init__(self, failures):
        self.failures = failures  # invoice number -> exception
        self.sent: list[str] = []

    def send(self, mail):
        for number, error in self.failures.items():
            if number in mail.subject:
                raise error
        self.sent.append(mail.subject)
        return "msg"


def _three():
    return [invoice(number=f"INV-2026-00000{n}") for n in (1, 2, 3)]


def test_a_throttled_invoice_is_released_and_the_others_still_go_out():
    invoices, markers = _three(), Markers()
    mailer = Mailer({"INV-2026-000002": ServiceUnavailable()})

    report = send_reminders(invoices, mailer, markers)

    assert report.sent == [invoices[0].id, invoices[2].id] and len(mailer.sent) == 2
    assert report.failed == {invoices[1].id: "ServiceUnavailable"} and report.transient
    assert (invoices[1].id, TODAY) not in markers.claimed  # released: the retry sends it
    with pytest.raises(RemindersIncomplete) as raised:
        raise_for_retry(report)
    assert isinstance(raised.value, ServiceUnavailable)


def test_the_retry_sends_only_what_failed():
    invoices, markers = _three(), Markers()
    send_reminders(invoices, Mailer({"INV-2026-000002": ServiceUnavailable()}), markers)
    mailer = Mailer({})

    report = send_reminders(invoices, mailer, markers)

    assert report.sent == [invoices[1].id] and report.skipped == [invoices[0].id, invoices[2].id]


def test_a_permanently_rejected_reminder_is_reported_without_failing_the_run():
    invoices, markers = _three(), Markers()

    report = send_reminders(invoices, Mailer({"INV-2026-000001": MailNotSent("MessageRejected")}), markers)

    assert report.failed == {invoices[0].id: "MailNotSent"} and not report.transient
    assert len(report.sent) == 2
    raise_for_retry(report)  # nothing to retry: no exception
