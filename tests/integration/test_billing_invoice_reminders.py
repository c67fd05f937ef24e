"""BillingInvoiceRemindersFunction under moto: open invoices past due get one reminder a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from moto.ses.models import ses_backends
from tandem.billing.bootstrap import services
from tandem.shared.clock import Clock

FN = "BillingInvoiceRemindersFunction"
ACCOUNT, REGION = "123456789012", "eu-central-1"


def _sent():
    return ses_backends[ACCOUNT][REGION].sent_messages


@pytest.fixture
def overdue(stack, sample, monkeypatch):
    """One invoice issued 20 days ago (due 6 days ago), one issued today (not due yet)."""
    issue = stack.call
    past = datetime.now(UTC) - timedelta(days=20)
    for key, value in stack.environment("BillingFulfillmentFunction").items():
        monkeypatch.setenv(key, value)
    with monkeypatch.context() as patch:
        patch.setattr(services(), "clock", Clock(now=lambda: past))  # the fulfillment function's service
        old = issue("BillingFulfillmentFunction", sample("billing_fulfillment/issue_invoice"))
    fresh = sample("billing_fulfillment/issue_invoice")
    fresh["order"]["order_id"] = "another-order"
    issue("BillingFulfillmentFunction", fresh)
    return old


def test_an_overdue_invoice_gets_a_reminder_with_the_amount_due(stack, sample, overdue):
    result = stack.call(FN, sample("billing_invoice_reminders/scheduled_reminders"))

    assert result["sent"] == [overdue["invoice_id"]]
    [mail] = _sent()
    assert overdue["number"] in mail.subject and "Amount due: 51.99 EUR" in mail.body


def test_a_second_run_the_same_day_sends_nothing(stack, sample, overdue):
    stack.call(FN, sample("billing_invoice_reminders/scheduled_reminders"))

    result = stack.call(FN, sample("billing_invoice_reminders/scheduled_reminders"))

    assert result["sent"] == [] and result["skipped"] == [overdue["invoice_id"]] and len(_sent()) == 1


def test_a_paid_invoice_leaves_the_open_index_and_gets_no_reminder(stack, sample, overdue):
    import json

    from tests.integration.test_billing_webhook import resign

    event = sample("billing_webhook/payment_succeeded_invoice")
    body = json.loads(event["body"]) | {"invoice_id": overdue["invoice_id"], "amount": "51.99"}
    assert stack.call("BillingWebhookFunction", resign(event, body))["statusCode"] == 200

    result = stack.call(FN, sample("billing_invoice_reminders/scheduled_reminders"))

    assert result["sent"] == [] and _sent() == []
