"""Money owed back, over HTTP on the local runtime: each way a payment becomes owed back (issue 8, finding 1)
ends with exactly one refund due of the right amount, the customer told once, and after the payout the
refund paid and the bank credited; per customer, payments = applied + refunded + refund due + credit."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.e2e.commerce import Shop, emails_to, order_body, pay
from tests.e2e.conftest import eventually

BANK = "1000"
RECEIVABLES = "1200"
SUSPENSE = "2900"
REFUND_SUBJECT = "Money we owe you back"


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def _place(shop: Shop, body: dict) -> dict:
    status, order = shop.http.post("/orders", body, token=shop.sales, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert status == 201, order
    return order


def _pay(shop: Shop, amount: str, **target: str) -> None:
    status, body = pay(shop.http, amount=amount, currency="EUR", **target)
    assert status == 200 and body["duplicate"] is False and "unmatched" not in body, body


def _invoice_of(shop: Shop, order_id: str) -> dict:
    status, page = shop.http.get(f"/invoices?order_id={order_id}", token=shop.finance)
    assert status == 200, page
    [invoice] = page["items"]
    return invoice


def _refunds(shop: Shop, email: str) -> list[dict]:
    found, token = [], None
    while True:
        status, page = shop.http.get(
            "/refunds?limit=100" + (f"&next_token={token}" if token else ""), token=shop.finance
        )
        assert status == 200, page
        found += [r for r in page["items"] if r["customer_email"] == email]
        token = page.get("next_token")
        if not token:
            return found


def _cancel(shop: Shop, order_id: str) -> None:
    status, body = shop.http.post(f"/orders/{order_id}/cancel", {"reason": "Changed my mind"}, token=shop.sales)
    assert status == 200 and body["status"] == "cancelled", body


def _rejected_then_paid(shop: Shop, email: str) -> str:
    sku = shop.product(stock=1, price="10.00")
    order = _place(shop, order_body(sku, 3, email=email, payment_method="card"))
    shop.order_in(order["id"], "rejected")
    assert shop.runtime.wait_idle(30.0)  # billing has heard of the order (OrderPlaced) and of its end
    _pay(shop, order["gross_total"], order_id=order["id"])
    return order["gross_total"]


def _cancelled_awaiting_payment_then_paid(shop: Shop, email: str) -> str:
    sku = shop.product(stock=5, price="10.00")
    order = _place(shop, order_body(sku, 1, email=email, payment_method="card"))
    shop.order_in(order["id"], "awaiting_payment")
    _cancel(shop, order["id"])
    assert shop.runtime.wait_idle(30.0)
    _pay(shop, order["gross_total"], order_id=order["id"])
    return order["gross_total"]


def _invoice_cancelled_then_paid(shop: Shop, email: str) -> str:
    sku = shop.product(stock=5, price="12.50")
    order = _place(shop, order_body(sku, 1, email=email))
    shop.order_in(order["id"], "confirmed")
    _cancel(shop, order["id"])
    invoice = eventually(lambda: (i := _invoice_of(shop, order["id"]))["status"] == "credited" and i)
    _pay(shop, invoice["gross_total"], invoice_id=invoice["id"])
    return invoice["gross_total"]


def _paid_then_fully_credited(shop: Shop, email: str) -> str:
    sku = shop.product(stock=5, price="12.50")
    order = _place(shop, order_body(sku, 1, email=email))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    _pay(shop, invoice["gross_total"], invoice_id=invoice["id"])
    status, note = shop.http.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "Returned"}, token=shop.finance)
    assert status == 201, note
    return invoice["gross_total"]


def _partial_credit_leaves_credit(shop: Shop, email: str) -> str:
    sku = shop.product(stock=20, price="10.00")
    order = _place(shop, order_body(sku, 10, email=email))  # gross 120.00
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    assert invoice["gross_total"] == "120.00", invoice
    _pay(shop, "100.00", invoice_id=invoice["id"])
    credit = {"reason": "Half returned", "lines": [{"line_number": 1, "quantity": 5}]}  # 60.00
    status, note = shop.http.post(f"/invoices/{invoice['id']}/credit-notes", credit, token=shop.finance)
    assert status == 201 and note["gross_total"] == "60.00", note
    after = shop.invoice(invoice["id"])
    assert after["status"] == "in_credit" and after["amount_due"] == "0.00" and after["refunded_amount"] == "40.00"
    assert not shop.published("InvoicePaid", invoice["id"])
    return "40.00"


def _paid_twice(shop: Shop, email: str) -> str:
    sku = shop.product(stock=5, price="8.50")
    order = _place(shop, order_body(sku, 2, email=email, payment_method="card"))
    shop.order_in(order["id"], "awaiting_payment")
    _pay(shop, order["gross_total"], order_id=order["id"])
    _pay(shop, order["gross_total"], order_id=order["id"])  # a second provider event paying the same order
    shop.order_in(order["id"], "confirmed")
    return order["gross_total"]


CASES = {
    "order_rejected": (_rejected_then_paid, "order_rejected", "order_prepayment"),
    "cancelled_awaiting_payment": (_cancelled_awaiting_payment_then_paid, "order_cancelled", "order_prepayment"),
    "invoice_cancelled_then_paid": (_invoice_cancelled_then_paid, "invoice_credited", "invoice_credit"),
    "paid_then_credited": (_paid_then_fully_credited, "invoice_credited", "invoice_credit"),
    "partial_credit": (_partial_credit_leaves_credit, "invoice_credited", "invoice_credit"),
    "duplicate_payment": (_paid_twice, "duplicate_payment", "invoice_credit"),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_money_owed_back_is_one_refund_due_told_once_paid_and_conserved(shop, http, case):
    make, reason, source = CASES[case]
    email = f"refund-{case.replace('_', '-')}-{uuid.uuid4().hex[:6]}@example.com"
    owed = make(shop, email)

    [refund] = eventually(lambda: _refunds(shop, email), timeout=15.0)
    assert assert_runtime_idle(shop) and len(_refunds(shop, email)) == 1
    assert (refund["amount"], refund["reason"], refund["source"], refund["status"]) == (owed, reason, source, "due")
    told = eventually(lambda: [m for m in emails_to(http, email) if m.get("subject") == REFUND_SUBJECT])
    assert len(told) == 1
    _conserved(shop, email)

    bank = shop.balance(BANK)
    status, paid = http.post(
        f"/refunds/{refund['id']}/paid",
        {"reference": f"re_{case}"},
        token=shop.finance,
        headers={"Idempotency-Key": case},
    )
    assert status == 200 and paid["status"] == "paid" and paid["reference"] == f"re_{case}", paid
    again = http.post(f"/refunds/{refund['id']}/paid", {"reference": "re_other"}, token=shop.finance)
    assert again == (200, paid)  # a second call answers the same refund
    _conserved(shop, email)
    # The ledger's part (RefundPaid: Dr the source account / Cr Bank): lands with the ledger engineer's postings.
    eventually(lambda: shop.balance(BANK) == bank - Decimal(owed), timeout=10.0)
    assert shop.trial_balance()["balanced"] is True


def assert_runtime_idle(shop: Shop) -> bool:
    return shop.runtime.wait_idle(30.0)


def _conserved(shop: Shop, email: str) -> None:
    """Payments received = applied to invoices + refunded + refund due + customer credit, for ``email``."""
    events = [e["detail"]["data"] for e in shop.published("PaymentReceived", email)]
    received = sum((Decimal(e["amount"]) for e in events), Decimal(0))
    invoices = {e["invoice_id"] for e in events if e.get("invoice_id")}
    invoices |= {r["invoice_id"] for r in _refunds(shop, email) if r["invoice_id"]}
    applied = credit = Decimal(0)
    for invoice in map(shop.invoice, invoices):
        owed = Decimal(invoice["gross_total"]) - sum((Decimal(n["gross_total"]) for n in invoice["credit_notes"]), 0)
        applied += min(Decimal(invoice["amount_paid"]), owed)
        credit += Decimal(invoice["credit_balance"])
    refunds = _refunds(shop, email)
    refunded = sum((Decimal(r["amount"]) for r in refunds if r["status"] == "paid"), Decimal(0))
    due = sum((Decimal(r["amount"]) for r in refunds if r["status"] == "due"), Decimal(0))
    assert received == applied + refunded + due + credit, (received, applied, refunded, due, credit)


def test_a_webhook_for_an_unknown_order_is_200_held_unmatched_and_can_be_applied(shop, http):
    sku = shop.product(stock=5, price="49.80")
    order = _place(shop, order_body(sku, 1))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])

    shop.runtime.wait_idle()
    suspense, receivables = shop.balance(SUSPENSE), shop.balance(RECEIVABLES)
    amount = Decimal(invoice["gross_total"])

    status, body = pay(http, order_id=f"unknown-{uuid.uuid4().hex[:8]}", amount=invoice["gross_total"], currency="EUR")
    assert status == 200 and body["unmatched"] is True, body
    # on suspense, not receivables
    eventually(lambda: shop.balance(SUSPENSE) == suspense + amount)
    assert shop.balance(RECEIVABLES) == receivables
    status, held = http.get("/payments?status=unmatched&limit=100", token=shop.finance)
    assert status == 200 and body["payment_id"] in [p["id"] for p in held["items"]], held

    status, applied = http.post(
        f"/payments/{body['payment_id']}/apply", {"invoice_id": invoice["id"]}, token=shop.finance
    )
    assert status == 200 and applied["status"] == "applied", applied
    assert shop.invoice(invoice["id"])["status"] == "paid"
    # applying moves it from suspense to receivables
    eventually(lambda: shop.balance(SUSPENSE) == suspense and shop.balance(RECEIVABLES) == receivables - amount)


def test_an_absurd_amount_is_recorded_but_held_for_review(shop, http):
    sku = shop.product(stock=5, price="49.80")
    order = _place(shop, order_body(sku, 1))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])

    status, body = pay(http, invoice_id=invoice["id"], amount="999999999999.99", currency="EUR")

    assert status == 200 and body["unmatched"] is True, body
    status, held = http.get("/payments?status=unmatched&limit=100", token=shop.finance)
    [mine] = [p for p in held["items"] if p["id"] == body["payment_id"]]
    assert mine["hold_reason"] == "implausible_amount" and mine["reference"] == invoice["id"]
    assert shop.invoice(invoice["id"])["status"] == "issued"
