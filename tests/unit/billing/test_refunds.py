"""Refunds and held payments as pure domain: what an invoice owes back, why, once; money is conserved."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.billing.domain.commands import CreditLine
from tandem.billing.domain.crediting import credit
from tandem.billing.domain.errors import PaymentNotUnmatched
from tandem.billing.domain.events import InvoicePaid, RefundDue, RefundPaid
from tandem.billing.domain.model import InvoiceStatus, OrderAccount, OrderClosure
from tandem.billing.domain.refunds import (
    HoldReason,
    PaymentStatus,
    RefundReason,
    RefundSource,
    RefundStatus,
    UnmatchedPayment,
    implausible,
    invoice_refund,
    payment_refund_reason,
    take_prepayments,
)

from tests.unit.billing.builders import NOW, invoice, line

D = Decimal


def _credit(inv, *lines: tuple[int, int]):
    chosen = tuple(CreditLine(n, q) for n, q in lines) if lines else None
    return credit(inv, chosen, credit_note_id=uuid4(), number="CN-2026-000001", reason="test", now=NOW)


def test_paid_then_partially_credited_below_what_was_paid_is_in_credit_and_never_paid():
    inv = invoice(line(quantity=10, price="10.00"))  # gross 120.00
    inv.apply_payment(D("100.00"))
    assert inv.status is InvoiceStatus.PARTIALLY_PAID
    inv.events.clear()

    _credit(inv, (1, 5))  # 60.00

    assert inv.status is InvoiceStatus.IN_CREDIT and inv.amount_due == 0 and inv.credit_balance == D("40.00")
    assert not [e for e in inv.events if isinstance(e, InvoicePaid)]
    refund = invoice_refund(inv, refund_id=uuid4(), reason=RefundReason.INVOICE_CREDITED, now=NOW)
    assert refund is not None and refund.amount == D("40.00") and inv.credit_balance == 0
    assert invoice_refund(inv, refund_id=uuid4(), reason=RefundReason.INVOICE_CREDITED, now=NOW) is None


def test_paid_exactly_what_a_partial_credit_leaves_is_paid():
    inv = invoice(line(quantity=10, price="10.00"))
    inv.apply_payment(D("60.00"))
    _credit(inv, (1, 5))

    assert inv.status is InvoiceStatus.PAID and inv.credit_balance == 0


def test_a_paid_invoice_fully_credited_owes_everything_paid():
    inv = invoice(line(quantity=1, price="12.50"))  # gross 15.00
    inv.apply_payment(D("15.00"))
    _credit(inv)

    assert inv.status is InvoiceStatus.CREDITED and inv.credit_balance == D("15.00")


@pytest.mark.parametrize(
    ("credited", "applied", "reason"),
    [
        (True, D("0"), RefundReason.INVOICE_CREDITED),
        (False, D("0.00"), RefundReason.DUPLICATE_PAYMENT),
        (False, D("5.00"), RefundReason.OVERPAID),
    ],
)
def test_why_a_payment_left_money_to_give_back(credited, applied, reason):
    inv = invoice()
    if credited:
        _credit(inv)
    assert payment_refund_reason(inv, applied) is reason


def test_a_refund_is_due_then_paid_once():
    inv = invoice(line(quantity=1, price="12.50"))
    inv.apply_payment(D("20.00"))
    refund = invoice_refund(inv, refund_id=uuid4(), reason=RefundReason.OVERPAID, now=NOW)
    assert refund is not None
    [due] = refund.events
    assert isinstance(due, RefundDue) and due.amount == D("5.00") and due.refund_source == "invoice_credit"
    assert due.model_dump(mode="json")["source"] == "invoice_credit"

    assert refund.pay(reference="re_1", today=NOW.date()) is True
    assert refund.pay(reference="re_2", today=NOW.date()) is False
    assert refund.status is RefundStatus.PAID and refund.reference == "re_1"
    assert [type(e) for e in refund.events] == [RefundDue, RefundPaid]


def test_two_prepayments_for_one_order_are_taken_and_the_second_owed_back():
    inv = invoice(line(quantity=1, price="12.50"), terms="card")  # gross 15.00
    first, second = uuid4(), uuid4()
    account = OrderAccount("order-1", payments=((first, D("15.00")), (second, D("15.00"))))
    inv.apply_payment(account.prepaid)

    applied, refund = take_prepayments(inv, account, refund_id=uuid4(), now=NOW)

    assert applied.amount == D("30.00") and applied.payment_ids == [first, second]
    assert refund is not None and refund.amount == D("15.00") and refund.reason is RefundReason.DUPLICATE_PAYMENT
    assert inv.status is InvoiceStatus.PAID and inv.credit_balance == 0


def test_an_order_that_ended_owes_back_the_payments_it_holds_and_no_other():
    paid, marked = uuid4(), uuid4()
    account = OrderAccount("o", payments=((paid, D("10")), (marked, D("5"))), refund_due=(marked,))

    assert account.owed_back == ()
    assert OrderAccount(
        "o", payments=account.payments, refund_due=(marked,), closed=OrderClosure.REJECTED
    ).owed_back == ((paid, D("10")),)


def test_an_implausible_amount_is_more_than_twice_the_document():
    assert implausible(D("999999999999.99"), D("59.76"))
    assert not implausible(D("119.52"), D("59.76")) and not implausible(D("1000"), None)


def _held(amount="59.76") -> UnmatchedPayment:
    return UnmatchedPayment.hold(
        payment_id=uuid4(),
        provider_event_id="evt_1",
        amount=D(amount),
        currency="EUR",
        reference="nobody",
        reason=HoldReason.UNKNOWN_REFERENCE,
        now=NOW,
    )


def test_a_held_payment_is_applied_or_refunded_once():
    applied, refunded = _held(), _held()
    inv = invoice()

    applied.apply_to(inv, today=NOW.date())
    refund = refunded.refund(refund_id=uuid4(), now=NOW)

    assert applied.status is PaymentStatus.APPLIED and inv.amount_paid == D("12.00")
    assert refund.source is RefundSource.UNMATCHED_PAYMENT and refund.customer_email is None
    with pytest.raises(PaymentNotUnmatched):
        applied.refund(refund_id=uuid4(), now=NOW)
    with pytest.raises(PaymentNotUnmatched):
        refunded.apply_to(inv, today=NOW.date())


money = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.one_of(st.tuples(st.just("pay"), money), st.tuples(st.just("credit"), st.integers(1, 3))), max_size=8
    )
)
def test_money_is_conserved_on_an_invoice(steps):
    """Whatever payments and credit notes come in whatever order: received = applied to the invoice (what it
    still asks for, net of credits) + owed back (refunds) + the customer's credit, and none is negative."""
    inv = invoice(line(quantity=3, price="10.02"), line(quantity=2, price="0.99", rate="0.10", sku="SKU-2"))
    received, refunded = D("0"), D("0")
    for kind, value in steps:
        if kind == "pay":
            inv.apply_payment(value)
            received += value
        elif not inv.fully_credited:
            number = 1 + (value % 2)
            left = next(x.quantity for x in inv.lines if x.line_number == number) - inv.credited_quantity(number)
            if left:
                _credit(inv, (number, min(value, left)))
        refund = invoice_refund(inv, refund_id=uuid4(), reason=RefundReason.OVERPAID, now=NOW)
        refunded += refund.amount if refund else 0
        assert inv.credit_balance == 0
    owed = inv.gross_total - inv.credited_total
    applied = min(received, owed)
    assert received == applied + refunded + inv.credit_balance
    assert inv.amount_due == owed - applied and inv.refunded_amount == refunded
    assert (inv.status is InvoiceStatus.PAID) <= (received >= owed)
