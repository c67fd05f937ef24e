"""Over HTTP on the local runtime: a buyer's VAT id and the date of supply reach the invoice and its PDF,
every name prints, and a stock count below what an order reserved is recorded with the shortfall at risk."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.commerce import Shop, download, order_body
from tests.e2e.conftest import eventually
from tests.unit.billing.pdf_text import lines


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def test_a_b2b_order_is_invoiced_with_both_vat_ids_and_its_date_of_supply(shop, http):
    sku = shop.product(stock=5)
    body = order_body(sku, 3)
    body["customer"] = {**body["customer"], "name": "Zoë Łukasiewicz 李", "vat_id": "FR 40 303 265 045"}
    status, order = http.post("/orders", body, token=shop.sales, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert status == 201 and order["customer"]["vat_id"] == "FR40303265045", order
    confirmed = shop.order_in(order["id"], "confirmed")

    invoice = shop.invoice(confirmed["invoice_id"])
    assert invoice["customer"]["vat_id"] == "FR40303265045"
    assert invoice["supply_date"] == invoice["issue_date"]  # placed and invoiced the same day (Paris)
    status, content_type, pdf = download(http, f"/invoices/{invoice['id']}/pdf", shop.finance, "application/pdf")
    assert status == 200 and content_type == "application/pdf"
    text = lines(pdf)
    assert "VAT ID: FR40303265045" in text and "Zoë Łukasiewicz 李" in text
    assert f"Date of supply | {invoice['supply_date']}" in text and "Total | 43.20 EUR" in text


def test_a_count_below_the_reservations_is_recorded_and_the_shortfall_published(shop, http):
    sku = shop.product(stock=5)
    order = http.post("/orders", order_body(sku, 4), token=shop.sales, headers={"Idempotency-Key": uuid.uuid4().hex})[1]
    shop.order_in(order["id"], "confirmed")  # its 4 units stay reserved until it ships
    key = {"Idempotency-Key": uuid.uuid4().hex}
    count = {"sku": sku, "counted": 1, "reason": "stock take"}
    first = http.post("/stock/counts", count, token=shop.inventory, headers=key)
    again = http.post("/stock/counts", count, token=shop.inventory, headers=key)
    assert first == again and first[0] == 201
    assert {k: first[1][k] for k in ("on_hand", "reserved", "available", "at_risk")} == {
        "on_hand": 1,
        "reserved": 4,
        "available": 0,
        "at_risk": 3,
    }
    [shortfall] = eventually(lambda: shop.published("StockShortfallDetected", sku))
    assert shortfall["detail"]["data"] == {"sku": sku, "counted": 1, "reserved": 4, "at_risk": 3}
    assert len(shop.published("StockCounted", sku)) == 1  # the retry booked nothing
    status, body = http.post("/stock/counts", {**count, "counted": 2}, token=shop.inventory, headers=key)
    assert status == 422 and body["error"]["code"] == "idempotency_key_reused"
