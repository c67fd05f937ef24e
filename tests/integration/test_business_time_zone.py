"""The business time zone (BUSINESS_TIME_ZONE, default Europe/Paris) dates documents: an invoice issued at
23:30 UTC on 31 December is dated 1 January in Paris and numbered in the new year's series, and its journal
entry has the same date. Billing's service runs on moto with an injected clock; its InvoiceIssued outbox item
is then fed to the ledger's consumer as EventBridge would deliver it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import boto3
from tandem.billing.adapters.dynamodb import DynamoUnitOfWork
from tandem.billing.domain.commands import CreditInvoice
from tandem.billing.saga import OrderIn
from tandem.billing.service import BillingConfig, BillingService
from tandem.billing.service.common import Reply
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext

from .conftest import REGION

NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Paris
CONTEXT = MessageContext(correlation_id="tz-test", causation_id="tz-test")


class _NoDocuments:
    def save_credit_note(self, note):  # the PDF is best effort and not what this test is about
        return None


def _billing(stack, zone: str) -> BillingService:
    table = stack.physical["BillingTable"]
    client = boto3.client("dynamodb", region_name=REGION)
    return BillingService(
        lambda: DynamoUnitOfWork(table, client),
        Clock(now=lambda: NEW_YEARS_EVE, sleep=lambda _: None, zone=ZoneInfo(zone)),
        documents=_NoDocuments(),
        mailer=None,
        markers=None,
        config=BillingConfig(),
    )


def _published(stack, detail_type: str) -> dict:
    """The outbox item billing recorded, as the EventBridge event the ledger's rule delivers."""
    [item] = [i for i in stack.items("BillingTable") if i.get("type") == "outbox" and i["detail_type"] == detail_type]
    return {
        "version": "0",
        "id": "e0000000-0000-4000-8000-000000000001",
        "detail-type": detail_type,
        "source": item["source"],
        "account": "123456789012",
        "time": item["occurred_at"],
        "region": REGION,
        "resources": [],
        "detail": json.loads(item["detail"]),
    }


def test_an_invoice_issued_at_2330_utc_on_new_years_eve_is_dated_and_numbered_in_the_new_year(stack, sample):
    order = OrderIn.model_validate(sample("billing_fulfillment/issue_invoice")["order"])

    invoice = _billing(stack, "Europe/Paris").issue_invoice(order.to_command(), CONTEXT).invoice

    assert invoice.issue_date == date(2027, 1, 1) and invoice.number == "INV-2027-000001"
    issued = _published(stack, "InvoiceIssued")
    assert issued["detail"]["data"]["issue_date"] == "2027-01-01"

    stack.call("LedgerOnBillingEventFunction", issued)

    [entry] = [i for i in stack.items("LedgerTable") if i.get("type") == "journal_entry"]
    assert entry["document"]["date"] == entry["posting_date"] == "2027-01-01"
    assert entry["document"]["number"] == "INV-2027-000001"


def test_in_utc_the_same_moment_is_still_the_old_year(stack, sample):
    order = OrderIn.model_validate(sample("billing_fulfillment/issue_invoice")["order"])

    invoice = _billing(stack, "UTC").issue_invoice(order.to_command(), CONTEXT).invoice

    assert invoice.issue_date == date(2026, 12, 31) and invoice.number == "INV-2026-000001"


def test_a_credit_note_keeps_its_business_day_once_stored(stack, sample):
    billing = _billing(stack, "Europe/Paris")
    order = OrderIn.model_validate(sample("billing_fulfillment/issue_invoice")["order"])
    invoice = billing.issue_invoice(order.to_command(), CONTEXT).invoice

    view = billing.credit_invoice(
        CreditInvoice(invoice_id=str(invoice.id), reason="customer_request"),
        CONTEXT,
        Reply(render=lambda note: {"id": str(note.id), "number": note.number, "issue_date": note.issue_date}),
    )

    assert view["number"] == "CN-2027-000001" and view["issue_date"] == date(2027, 1, 1)
    [stored] = [i for i in stack.items("BillingTable") if i.get("type") == "credit_note"]
    assert stored["issue_date"] == "2027-01-01"
    assert _published(stack, "CreditNoteIssued")["detail"]["data"]["issue_date"] == "2027-01-01"
