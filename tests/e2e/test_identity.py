"""Identity by subject (issue 9, done-when bullet 1): what a customer creates belongs to their token's `sub`.

Customer A places an order (invoice terms) and the saga invoices it. Customer B has another `sub` and A's
email address in every spelling — other case, surrounding spaces, verified or not: B gets 404 on A's order,
invoice, invoice PDF and customer record and timeline, and B's order and invoice lists do not show them; A
gets 200 on all of them. Email is a contact detail, never a key.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.commerce import Shop, download, order_body
from tests.e2e.conftest import eventually


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def _ids(http, path: str, token: str) -> set[str]:
    status, page = http.get(path, token=token)
    assert status == 200, page
    return {item["id"] for item in page["items"]}


def test_another_sub_with_the_same_email_in_any_spelling_sees_nothing_of_the_first_customers(shop, http):
    sku = shop.product(stock=5, price="10.00")
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    a = http.token(f"sub-a-{uuid.uuid4()}", "customer", email=email)
    status, order = http.post("/orders", order_body(sku, 1, email=email), token=a)
    assert status == 201, order
    confirmed = shop.order_in(order["id"], "confirmed", timeout=10.0)
    invoice_id = confirmed["invoice_id"]
    order_path, invoice_path = f"/orders/{order['id']}", f"/invoices/{invoice_id}"

    # A reads all of it (the CRM record arrives with the events: wait for the invoice on it).
    assert http.get(order_path, token=a)[0] == 200
    assert http.get(invoice_path, token=a)[0] == 200
    assert download(http, f"{invoice_path}/pdf", a, "application/pdf")[:2] == (200, "application/pdf")
    assert order["id"] in _ids(http, "/orders", a) and invoice_id in _ids(http, "/invoices", a)
    status, me = http.get("/customers/me", token=a)
    assert status == 200 and me["email"] == email, me

    def timeline(token: str, customer_id: str) -> tuple[int, object]:
        return http.get(f"/customers/{customer_id}/timeline", token=token)

    eventually(lambda: {"OrderPlaced", "InvoiceIssued"} <= {e["event_type"] for e in timeline(a, "me")[1]["items"]})
    assert timeline(a, me["id"])[0] == 200

    spellings = [(email.upper(), True), (f"  {email}  ", True), (email, False), (email.title(), False)]
    for spelling, verified in spellings:
        b = http.token(f"sub-b-{uuid.uuid4()}", "customer", email=spelling, verified=verified)
        for path in (order_path, invoice_path, f"/customers/{me['id']}", "/customers/me"):
            status, body = http.get(path, token=b)
            assert status == 404, (spelling, verified, path, status, body)
        assert timeline(b, me["id"])[0] == 404 and timeline(b, "me")[0] == 404
        status, body = http.get(f"{invoice_path}/pdf", token=b, headers={"Accept": "application/pdf"})
        assert status == 404, (spelling, verified, body)
        assert http.post(f"{order_path}/cancel", token=b)[0] == 404
        assert order["id"] not in _ids(http, "/orders", b)
        assert invoice_id not in _ids(http, "/invoices", b)
        assert _ids(http, f"/invoices?order_id={order['id']}", b) == set()
        # B may not order under A's address unless Cognito verified it for B (then it is B's own order).
        status, placed = http.post("/orders", order_body(sku, 1, email=spelling), token=b)
        if verified:
            assert status == 201 and placed["id"] in _ids(http, "/orders", b), placed
            assert order["id"] not in _ids(http, "/orders", b)
        else:
            assert status in (403, 422), placed
    assert shop.order(order["id"])["status"] == "confirmed"  # staff still see everything


def test_an_access_token_is_refused_and_a_group_named_with_a_comma_grants_nothing(shop, http):
    sub = f"sub-c-{uuid.uuid4()}"
    assert http.get("/orders", token=http.token(sub, "customer", token_use="access"))[0] == 401
    assert http.get("/orders", token=http.token(sub, "customer", "sales", token_use="id"))[0] == 200
    # A group "viewers,admin" renders exactly like "viewers" and "admin": an unknown name grants nothing.
    assert http.get("/invoices", token=http.token(sub, "viewers", "admin"))[0] == 403
