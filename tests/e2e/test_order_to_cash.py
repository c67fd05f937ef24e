"""Order to cash over HTTP on the local runtime: order → saga → stock, invoice, email, ledger, CRM.

Figures follow from the catalog: 3 x 12.00 at the standard rate (20 %) is net 36.00, VAT 7.20,
gross 43.20. Ledger checks compare balances before and after, since the runtime is shared by the
package's tests.
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.e2e.commerce import Shop, download, emails_to, order_body, pay, signed
from tests.e2e.conftest import eventually

YEAR = datetime.now(UTC).year
RECEIVABLES, BANK, REVENUE, VAT = "1200", "1000", "4000", "2200"


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def _place(shop: Shop, body: dict, *, key: str | None = None) -> dict:
    status, order = shop.http.post(
        "/orders", body, token=shop.sales, headers={"Idempotency-Key": key or uuid.uuid4().hex}
    )
    assert status == 201, order
    return order


def _invoice_numbers(shop: Shop) -> list[str]:
    numbers, token = [], None
    while True:
        status, page = shop.http.get(
            "/invoices?limit=100" + (f"&next_token={token}" if token else ""), token=shop.finance
        )
        assert status == 200, page
        numbers += [invoice["number"] for invoice in page["items"]]
        token = page.get("next_token")
        if not token:
            return numbers


def _invoice_of(shop: Shop, order_id: str) -> dict:
    status, page = shop.http.get(f"/invoices?order_id={order_id}", token=shop.finance)
    assert status == 200, page
    [invoice] = page["items"]
    return shop.invoice(invoice["id"])


def _balances(shop: Shop) -> dict[str, Decimal]:
    return {a["code"]: Decimal(a["balance"]) for a in shop.trial_balance()["accounts"]}


def _settled(shop: Shop) -> dict[str, Decimal]:
    assert shop.runtime.wait_idle(30.0)
    return _balances(shop)


def _moved(shop: Shop, before: dict[str, Decimal], expected: dict[str, str]):
    """A probe: the balances have moved by exactly ``expected`` since ``before``."""

    def probe():
        now = _balances(shop)
        return all(now[code] - before[code] == Decimal(delta) for code, delta in expected.items()) and now

    return probe


def test_invoice_order_is_confirmed_invoiced_booked_paid_and_shipped(shop, http):
    sku = shop.product(stock=10, price="12.00")
    series = [n for n in _invoice_numbers(shop) if n.startswith(f"INV-{YEAR}-")]
    ledger = _settled(shop)
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"

    order = _place(shop, order_body(sku, 3, email=email))
    assert (order["net_total"], order["tax_total"], order["gross_total"]) == ("36.00", "7.20", "43.20")

    confirmed = shop.order_in(order["id"], "confirmed", timeout=5.0)
    stock = shop.stock(sku)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 3, 7)

    invoice = _invoice_of(shop, order["id"])
    assert invoice["number"] == f"INV-{YEAR}-{len(series) + 1:06d}" == confirmed["invoice_number"]
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == ("36.00", "7.20", "43.20")
    assert [(b["tax_category"], b["taxable_amount"], b["tax_amount"]) for b in invoice["tax_breakdown"]] == [
        ("standard", "36.00", "7.20")
    ]
    status, content_type, pdf = download(http, f"/invoices/{invoice['id']}/pdf", shop.finance, "application/pdf")
    assert status == 200 and content_type.startswith("application/pdf") and pdf.startswith(b"%PDF")

    mail = eventually(lambda: emails_to(http, email))
    assert invoice["number"] in json.dumps(mail)

    booked = eventually(_moved(shop, ledger, {RECEIVABLES: "43.20", REVENUE: "36.00", VAT: "7.20"}))
    assert shop.trial_balance()["balanced"] is True

    status, receipt = pay(http, invoice_id=invoice["id"], amount="43.20", currency="EUR")
    assert status == 200, receipt
    eventually(lambda: shop.invoice(invoice["id"])["status"] == "paid")
    eventually(_moved(shop, booked, {BANK: "43.20", RECEIVABLES: "-43.20"}))
    assert shop.trial_balance()["balanced"] is True

    status, shipped = http.post(f"/orders/{order['id']}/ship", token=shop.inventory)
    assert status == 200 and shipped["status"] == "shipped", shipped
    eventually(lambda: (s := shop.stock(sku))["on_hand"] == 7 and s["reserved"] == 0 and s["available"] == 7)


def test_the_customer_record_shows_orders_invoices_and_payments(shop, http):
    sku = shop.product(stock=5, price="10.00")
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"
    order = _place(shop, order_body(sku, 1, email=email))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    assert pay(http, invoice_id=invoice["id"], amount=invoice["gross_total"], currency="EUR")[0] == 200

    status, found = http.get(f"/customers?email={email}", token=shop.sales)
    assert status == 200, found
    [customer] = found["items"]

    def timeline_types():
        status, timeline = http.get(f"/customers/{customer['id']}/timeline", token=shop.sales)
        assert status == 200, timeline
        return {entry["event_type"] for entry in timeline["items"]}

    eventually(lambda: {"OrderPlaced", "OrderConfirmed", "InvoiceIssued", "PaymentReceived"} <= timeline_types())


def test_card_order_unpaid_in_time_is_cancelled_its_stock_released_and_the_customer_told(shop, http):
    sku = shop.product(stock=5)
    email = f"late-{uuid.uuid4().hex[:8]}@example.com"
    order = _place(shop, order_body(sku, 2, email=email, payment_method="card"))
    eventually(lambda: shop.stock(sku)["reserved"] == 2)

    cancelled = shop.order_in(order["id"], "cancelled", timeout=15.0)
    assert cancelled["invoice_id"] is None
    eventually(lambda: (s := shop.stock(sku))["available"] == 5 and s["reserved"] == 0)
    assert eventually(lambda: emails_to(http, email))


def test_card_order_paid_in_time_is_confirmed_with_a_paid_invoice(shop, http):
    sku = shop.product(stock=5, price="8.50")
    order = _place(shop, order_body(sku, 2, payment_method="card"))
    shop.order_in(order["id"], "awaiting_payment")
    status, receipt = pay(http, order_id=order["id"], amount=order["gross_total"], currency="EUR")
    assert status == 200, receipt
    shop.order_in(order["id"], "confirmed")
    assert _invoice_of(shop, order["id"])["status"] == "paid"


def test_forty_concurrent_orders_for_ten_units_confirm_exactly_ten(shop, http):
    sku = shop.product(stock=10, reorder_point=0)
    lowest, watching = [10], threading.Event()

    def watch():
        while not watching.is_set():
            lowest[0] = min(lowest[0], shop.stock(sku)["available"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            orders = list(pool.map(lambda _: _place(shop, order_body(sku, 1)), range(40)))
        finals = [shop.order_in(o["id"], "confirmed", "rejected", timeout=60.0)["status"] for o in orders]
    finally:
        watching.set()
        watcher.join()
    assert (finals.count("confirmed"), finals.count("rejected")) == (10, 30)
    stock = shop.stock(sku)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 10, 0)
    assert lowest[0] >= 0


def test_fifty_concurrent_invoices_take_consecutive_numbers(shop):
    sku = shop.product(stock=50, reorder_point=0)
    before = [n for n in _invoice_numbers(shop) if n.startswith(f"INV-{YEAR}-")]
    with ThreadPoolExecutor(max_workers=25) as pool:
        orders = list(pool.map(lambda _: _place(shop, order_body(sku, 1)), range(50)))
    invoices = [shop.order_in(o["id"], "confirmed", timeout=60.0)["invoice_number"] for o in orders]
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in invoices)
    assert sequence == list(range(len(before) + 1, len(before) + 51))


def test_the_same_idempotency_key_places_one_order(shop, http):
    sku = shop.product(stock=5)
    body, key = order_body(sku, 1), uuid.uuid4().hex
    first, second = _place(shop, body, key=key), _place(shop, body, key=key)
    assert first == second
    status, error = http.post(
        "/orders", {**body, "lines": [{"sku": sku, "quantity": 2}]}, token=shop.sales, headers={"Idempotency-Key": key}
    )
    assert status == 422 and error["error"]["code"] == "idempotency_key_reused", error
    shop.order_in(first["id"], "confirmed")
    assert shop.stock(sku)["reserved"] == 1


def test_a_full_credit_note_credits_the_invoice_and_reverses_the_ledger(shop, http):
    sku = shop.product(stock=5, price="20.00")
    order = _place(shop, order_body(sku, 1))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    booked = _settled(shop)

    status, note = http.post(
        f"/invoices/{invoice['id']}/credit-notes", {"reason": "Damaged in transit"}, token=shop.finance
    )
    assert status == 201, note
    assert note["number"].startswith(f"CN-{YEAR}-") and note["gross_total"] == invoice["gross_total"] == "24.00"
    assert shop.invoice(invoice["id"])["status"] == "credited"
    eventually(_moved(shop, booked, {RECEIVABLES: "-24.00", REVENUE: "-20.00", VAT: "-4.00"}))
    assert shop.trial_balance()["balanced"] is True


def test_vat_is_rounded_once_per_category_and_partial_credit_notes_sum_exactly_to_the_invoice(shop, http):
    # EN 16931 BR-CO-17: 3 lines of 10.02 at 20 % have VAT round(30.06 x 0.20) = 6.01 (per line: 3 x 2.00 = 6.00)
    skus = [shop.product(stock=2, price="10.02") for _ in range(3)]
    body = order_body(skus[0], 1)
    body["lines"] = [{"sku": sku, "quantity": 1} for sku in skus]
    order = _place(shop, body)
    assert (order["net_total"], order["tax_total"], order["gross_total"]) == ("30.06", "6.01", "36.07")
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == ("30.06", "6.01", "36.07")
    assert [(b["taxable_amount"], b["tax_amount"]) for b in invoice["tax_breakdown"]] == [("30.06", "6.01")]

    notes = []
    for number in (1, 2, 3):  # one line each: each note's VAT is its own 10.02 x 20 %, the last takes the rest
        status, note = http.post(
            f"/invoices/{invoice['id']}/credit-notes",
            {"reason": f"Returned item {number}", "lines": [{"line_number": number, "quantity": 1}]},
            token=shop.finance,
        )
        assert status == 201, note
        notes.append(note)
    assert [(n["net_total"], n["tax_total"], n["gross_total"]) for n in notes] == [
        ("10.02", "2.00", "12.02"),
        ("10.02", "2.00", "12.02"),
        ("10.02", "2.01", "12.03"),
    ]
    assert sum(Decimal(n["gross_total"]) for n in notes) == Decimal(invoice["gross_total"])
    assert shop.invoice(invoice["id"])["status"] == "credited"


def test_cancelling_a_confirmed_order_releases_stock_and_issues_a_credit_note(shop, http):
    sku = shop.product(stock=4)
    order = _place(shop, order_body(sku, 2))
    shop.order_in(order["id"], "confirmed")
    status, cancelled = http.post(f"/orders/{order['id']}/cancel", {"reason": "Changed my mind"}, token=shop.sales)
    assert status == 200 and cancelled["status"] == "cancelled", cancelled
    eventually(lambda: shop.stock(sku)["available"] == 4)
    eventually(lambda: _invoice_of(shop, order["id"])["status"] == "credited")


def test_every_event_delivered_again_changes_nothing(shop, http, runtime):
    sku = shop.product(stock=6)
    order = _place(shop, order_body(sku, 2))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    assert pay(http, invoice_id=invoice["id"], amount=invoice["gross_total"], currency="EUR")[0] == 200
    eventually(lambda: shop.invoice(invoice["id"])["status"] == "paid")

    def state():
        assert runtime.wait_idle(30.0)
        return (
            shop.order(order["id"]),
            shop.stock(sku)["available"],
            shop.invoice(invoice["id"]),
            _balances(shop),
            _invoice_numbers(shop),
        )

    once = state()
    status, recent = http.get("/_local/events?limit=500")
    mine = [e for e in recent["events"] if order["id"] in json.dumps(e) or invoice["id"] in json.dumps(e)]
    assert {"OrderPlaced", "StockReserved", "InvoiceIssued", "OrderConfirmed", "PaymentReceived"} <= {
        e["detail-type"] for e in mine
    }
    events = runtime.client("events")
    for event in mine:
        events.put_events(
            Entries=[
                {
                    "Source": event["source"],
                    "DetailType": event["detail-type"],
                    "Detail": json.dumps(event["detail"]),
                    "EventBusName": event["event-bus-name"],
                }
            ]
        )
    assert state() == once


def test_reorder_check_drafts_a_purchase_order_that_books_stock_when_received(shop, http):
    sku = shop.product(stock=1, reorder_point=2, reorder_quantity=20)
    status, fired = http.post("/_local/schedules/reorder-check/fire")
    assert status in (200, 202), fired

    def drafted():
        status, page = http.get("/purchase-orders?status=drafted", token=shop.inventory)
        assert status == 200, page
        return [po for po in page["items"] if po["sku"] == sku]

    [purchase_order] = eventually(drafted)
    assert purchase_order["quantity"] == 20
    status, received = http.post(f"/purchase-orders/{purchase_order['id']}/receive", token=shop.inventory)
    assert status == 200, received
    assert shop.stock(sku)["on_hand"] == 21


# ---------------------------------------------------------------- bad input changes nothing


@pytest.mark.parametrize(
    "change",
    [
        {"lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}]},
        {"lines": [{"sku": "{sku}", "quantity": 0}]},
        {"lines": [{"sku": "{sku}", "quantity": -2}]},
        {"currency": "USD"},
        {"payment_method": "cash"},
    ],
    ids=["unknown-sku", "zero-quantity", "negative-quantity", "foreign-currency", "unknown-payment-method"],
)
def test_a_bad_order_is_a_4xx_and_changes_nothing(shop, http, change):
    sku = _stocked_sku(shop)
    body = {**order_body(sku, 1), **json.loads(json.dumps(change).replace("{sku}", sku))}
    before = shop.stock(sku)
    status, error = http.post("/orders", body, token=shop.sales, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert status == 422, error
    assert error["error"]["message"]
    assert shop.runtime.wait_idle(30.0)
    assert shop.stock(sku) == before


def test_an_inactive_product_cannot_be_ordered(shop, http):
    sku = shop.product(stock=3)
    status, body = http.request(
        "PUT",
        f"/products/{sku}",
        {
            "name": "Retired",
            "unit_price": "12.00",
            "currency": "EUR",
            "tax_category": "standard",
            "reorder_point": 0,
            "reorder_quantity": 1,
            "active": False,
        },
        token=shop.inventory,
    )
    assert status == 200, body
    eventually(lambda: shop.published("ProductUpdated", sku))
    assert shop.runtime.wait_idle(30.0)
    status, error = http.post("/orders", order_body(sku, 1), token=shop.sales)
    assert status == 422, error
    assert shop.stock(sku)["reserved"] == 0


@pytest.mark.parametrize("tamper", ["wrong-secret", "stale", "missing", "body-changed"])
def test_a_payment_with_a_bad_signature_is_refused_and_recorded_nowhere(shop, http, tamper):
    sku = shop.product(stock=2)
    order = _place(shop, order_body(sku, 1))
    shop.order_in(order["id"], "confirmed")
    invoice = _invoice_of(shop, order["id"])
    payload = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        "invoice_id": invoice["id"],
        "amount": invoice["gross_total"],
        "currency": "EUR",
    }
    body, signature = signed(
        payload,
        secret="whsec_wrong" if tamper == "wrong-secret" else "whsec_local",
        at=int(datetime.now(UTC).timestamp()) - 600 if tamper == "stale" else None,
    )
    if tamper == "body-changed":
        body = body.replace(b'"currency"', b'"currency" ')
    headers = {} if tamper == "missing" else {"Tandem-Signature": signature}
    status, error = http.request("POST", "/payments/webhook", raw=body, headers=headers)
    assert status == 401, error
    assert shop.runtime.wait_idle(30.0)
    assert shop.invoice(invoice["id"])["status"] == "issued"
    assert shop.invoice(invoice["id"])["amount_paid"] in ("0", "0.00")


_stocked: dict[str, str] = {}


def _stocked_sku(shop: Shop) -> str:
    if "sku" not in _stocked:
        _stocked["sku"] = shop.product(stock=3)
    return _stocked["sku"]
