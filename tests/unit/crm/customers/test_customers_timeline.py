"""Timeline summaries and the tolerant reading of sales and billing events."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError
from tandem.crm.customers.api_models import TimelineEventType
from tandem.crm.customers.domain import rules
from tandem.crm.customers.inbound import CommerceData, CommerceEvent, SupportData

SAMPLES = Path(__file__).resolve().parents[4] / "events" / "crm_on_commerce_event"


def _detail(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())["detail"]


@pytest.mark.parametrize(
    "name, summary",
    [
        ("order_placed", "Order placed: 3 items, EUR 36.00"),
        ("order_confirmed", "Order confirmed: invoice INV-2026-000001"),
        ("order_rejected", "Order rejected: insufficient_stock"),
        ("order_cancelled", "Order cancelled: customer_request"),
        ("order_shipped", "Order shipped: 3 items"),
        ("invoice_issued", "Invoice INV-2026-000001 issued: EUR 36.00"),
        ("credit_note_issued", "Credit note CN-2026-000001 issued for invoice INV-2026-000001: EUR 12.00"),
        ("payment_received", "Payment received: EUR 24.00"),
        ("invoice_paid", "Invoice INV-2026-000001 paid"),
    ],
)
def test_every_commerce_event_gets_a_one_line_summary(name, summary):
    activity = CommerceEvent.model_validate(_detail(name)).to_command()
    assert activity.entry.summary == summary
    assert activity.entry.event_type == _detail(name)["metadata"]["event_type"]


def test_unknown_fields_are_ignored():
    detail = _detail("invoice_paid")
    detail["data"]["something_new"] = {"nested": True}
    assert CommerceEvent.model_validate(detail).to_command().entry.invoice_id == detail["data"]["invoice_id"]


def test_another_version_is_not_read_by_luck():
    detail = _detail("order_placed")
    detail["metadata"]["version"] = 2
    with pytest.raises(ValidationError):
        CommerceEvent.model_validate(detail)


def test_free_text_reasons_become_one_bounded_line():
    summary = rules.order_cancelled("changed\nmy mind\x00" + "x" * 500)
    assert "\n" not in summary and "\x00" not in summary and len(summary) <= 200
    assert summary.startswith("Order cancelled: changed my mind")


def test_one_item_is_singular_and_overpayment_is_mentioned():
    assert rules.order_shipped([1]) == "Order shipped: 1 item"
    assert (
        rules.payment_received("EUR", Decimal("40.00"), Decimal("4.00"))
        == "Payment received: EUR 40.00 (EUR 4.00 unapplied)"
    )


def test_amounts_read_with_their_currency_s_minor_digits():
    assert rules.payment_received("EUR", Decimal("40"), Decimal(0)) == "Payment received: EUR 40.00"
    assert rules.payment_received("JPY", Decimal("2199.00"), Decimal(0)) == "Payment received: JPY 2199"


def test_the_api_names_every_event_type_the_timeline_records():
    readers = get_args(CommerceData) + get_args(SupportData)
    kinds = {get_args(kind.model_fields["kind"].annotation)[0] for kind in readers}
    assert set(get_args(TimelineEventType)) == kinds
