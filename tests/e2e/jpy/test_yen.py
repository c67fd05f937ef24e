"""A company whose currency is the yen, end to end over HTTP (BaseCurrency=JPY, this package's runtime).

The yen has no minor unit (ISO 4217 exponent 0): prices are whole yen, VAT is rounded once per category
to the yen (EN 16931 BR-CO-17), and every amount on the order, the invoice, its credit notes, the
payments and the ledger is a whole number of yen. 1 x 1999 at the reduced rate (10 %): VAT 199.9 -> 200.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.e2e.commerce import Shop, download, order_body, pay
from tests.e2e.conftest import eventually

RECEIVABLES, BANK, REVENUE, VAT = "1200", "1000", "4000", "2200"


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def _balances(shop: Shop) -> dict[str, Decimal]:
    return {a["code"]: Decimal(a["balance"]) for a in shop.trial_balance()["accounts"]}


def _moved(shop: Shop, before: dict[str, Decimal], expected: dict[str, str]):
    def probe():
        now = _balances(shop)
        return all(now[code] - before[code] == Decimal(delta) for code, delta in expected.items()) and now

    return probe


def _whole_yen(*amounts: str) -> bool:
    return all(amount.lstrip("-").isdigit() for amount in amounts)


def _place(shop: Shop, sku: str, quantity: int) -> dict:
    status, order = shop.http.post(
        "/orders", order_body(sku, quantity), token=shop.sales, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert status == 201, order
    return order


def _invoice_of(shop: Shop, order_id: str) -> dict:
    shop.order_in(order_id, "confirmed", timeout=5.0)
    status, page = shop.http.get(f"/invoices?order_id={order_id}", token=shop.finance)
    assert status == 200, page
    [invoice] = page["items"]
    return shop.invoice(invoice["id"])


def test_the_catalog_takes_whole_yen_only(shop, http):
    product = {
        "sku": f"E2E-{uuid.uuid4().hex[:10].upper()}",
        "name": "Sencha",
        "unit_price": "1999.5",
        "currency": "JPY",
        "tax_category": "reduced",
        "reorder_point": 1,
        "reorder_quantity": 10,
    }
    status, body = http.post("/products", product, token=shop.inventory)
    assert status == 422, body
    assert {"field": "unit_price", "message": "must be a whole number of JPY"} in body["error"]["details"]

    status, body = http.post("/products", {**product, "unit_price": "12.50", "currency": "EUR"}, token=shop.inventory)
    assert status == 422 and body["error"]["code"] == "currency_not_supported", body


def test_a_yen_order_is_priced_invoiced_booked_and_paid_in_whole_yen(shop, http):
    sku = shop.product(stock=5, price="1999", tax_category="reduced", currency="JPY")
    assert shop.runtime.wait_idle(30.0)
    ledger = _balances(shop)

    order = _place(shop, sku, 1)
    assert order["currency"] == "JPY" and order["lines"][0]["unit_price"] == "1999"
    assert (order["net_total"], order["tax_total"], order["gross_total"]) == ("1999", "200", "2199")

    invoice = _invoice_of(shop, order["id"])
    assert invoice["currency"] == "JPY"
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == ("1999", "200", "2199")
    assert [(b["tax_category"], b["taxable_amount"], b["tax_amount"]) for b in invoice["tax_breakdown"]] == [
        ("reduced", "1999", "200")
    ]
    assert (invoice["lines"][0]["net"], invoice["amount_due"], invoice["amount_paid"]) == ("1999", "2199", "0")
    status, content_type, pdf = download(http, f"/invoices/{invoice['id']}/pdf", shop.finance, "application/pdf")
    assert status == 200 and content_type.startswith("application/pdf") and pdf.startswith(b"%PDF")

    booked = eventually(_moved(shop, ledger, {RECEIVABLES: "2199", REVENUE: "1999", VAT: "200"}))
    trial = shop.trial_balance()
    assert trial["balanced"] is True and trial["currency"] == "JPY"
    assert _whole_yen(*(a["balance"] for a in trial["accounts"]))

    status, refused = pay(http, invoice_id=invoice["id"], amount="2199.50", currency="JPY")
    assert status == 422, refused
    assert refused["error"]["details"] == [{"field": "amount", "message": "must be a whole number of JPY"}]

    status, receipt = pay(http, invoice_id=invoice["id"], amount="2199", currency="JPY")
    assert status == 200, receipt
    paid = eventually(lambda: (i := shop.invoice(invoice["id"]))["status"] == "paid" and i)
    assert (paid["amount_paid"], paid["amount_due"]) == ("2199", "0")
    eventually(_moved(shop, booked, {BANK: "2199", RECEIVABLES: "-2199"}))
    assert shop.trial_balance()["balanced"] is True


def test_partial_yen_credit_notes_sum_exactly_to_the_invoice(shop, http):
    sku = shop.product(stock=5, price="1999", tax_category="reduced", currency="JPY")
    invoice = _invoice_of(shop, _place(shop, sku, 3)["id"])
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == ("5997", "600", "6597")  # 599.7
    assert shop.runtime.wait_idle(30.0)
    ledger = _balances(shop)

    notes = []
    for n, lines in enumerate(([{"line_number": 1, "quantity": 1}], None), start=1):
        body = {"reason": f"returned, part {n}", **({"lines": lines} if lines else {})}
        status, note = http.post(
            f"/invoices/{invoice['id']}/credit-notes",
            body,
            token=shop.finance,
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert status == 201, note
        notes.append(note)

    assert [(x["net_total"], x["tax_total"], x["gross_total"]) for x in notes] == [
        ("1999", "200", "2199"),  # its own base x rate, rounded once: 199.9 -> 200
        ("3998", "400", "4398"),  # the rest: 600 - 200 (its own 399.8 rounds to 400 too)
    ]
    assert sum(int(x["gross_total"]) for x in notes) == int(invoice["gross_total"])
    assert shop.invoice(invoice["id"])["status"] == "credited"
    eventually(_moved(shop, ledger, {RECEIVABLES: "-6597", REVENUE: "-5997", VAT: "-600"}))
    trial = shop.trial_balance()
    assert trial["balanced"] is True and _whole_yen(*(a["balance"] for a in trial["accounts"]))
