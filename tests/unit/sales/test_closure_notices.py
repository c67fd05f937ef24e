"""The email a customer gets when an order closes: the reason and what happens to money paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tandem.sales.domain.commands import ReceivedPayment
from tandem.sales.domain.events import OrderCancelled, OrderRejected
from tandem.sales.domain.notices import ClosureNotice

from .builders import order

PAID = ReceivedPayment(payment_id="pay-1", amount=Decimal("16.17"), currency="EUR")


def _cancelled(placed, reason: str, **fields) -> OrderCancelled:
    return OrderCancelled(
        order_id=placed.id, customer_email="ada@example.com", reason=reason, was_confirmed=False, **fields
    )


def _rejected(placed, **fields) -> OrderRejected:
    return OrderRejected(
        order_id=placed.id,
        customer_email="ada@example.com",
        reason="out_of_stock",
        shortages=[{"sku": "TEA-001", "requested": 3, "available": 1}],
        **fields,
    )


def test_a_rejected_unpaid_order_says_nothing_was_charged():
    placed = order(("TEA-001", 3))

    text = ClosureNotice.for_event(_rejected(placed), placed).text

    assert "Nothing was charged." in text and "refund" not in text


def test_a_rejected_order_with_a_recorded_payment_says_it_will_be_refunded():
    placed = order(("TEA-001", 3))
    placed.payment = PAID

    text = ClosureNotice.for_event(_rejected(placed), placed).text

    assert "Nothing was charged" not in text
    assert "We received your payment of 16.17 EUR; we owe it back to you in full" in text


def test_the_wording_follows_the_order_even_when_the_payment_came_after_the_event():
    placed = order(("TEA-001", 3))
    event = _cancelled(placed, "payment_timeout")  # written before the payment was recorded
    placed.payment = PAID

    assert "we owe it back to you in full" in ClosureNotice.for_event(event, placed).text


def test_without_the_order_the_events_payment_still_promises_the_refund():
    placed = order(("TEA-001", 3))
    event = _rejected(placed, payment_id="pay-1", paid_amount=Decimal("16.17"))

    text = ClosureNotice.for_event(event, None).text

    assert "Nothing was charged" not in text and "we owe it back to you in full" in text


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ("customer_request", "it was cancelled on request."),
        ("cancelled_by_customer", "it was cancelled on request."),
        ("payment_timeout", "we did not receive your card payment in time"),
        ("fulfillment_failed", "we ran into a problem on our side while processing it"),
        ("Ordered by mistake", "it was cancelled on request (Ordered by mistake)."),
    ],
)
def test_each_cancel_reason_has_its_own_sentence(reason, sentence):
    placed = order(("TEA-001", 3))

    text = ClosureNotice.for_event(_cancelled(placed, reason), placed).text

    assert sentence in text and "refund" not in text


def test_the_saga_reasons_are_never_shown_raw():
    placed = order(("TEA-001", 3))

    for reason in ("payment_timeout", "fulfillment_failed", "cancelled_by_customer"):
        assert reason not in ClosureNotice.for_event(_cancelled(placed, reason), placed).text
