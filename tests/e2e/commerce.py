"""Builders for the order-to-cash end-to-end tests: products in stock, orders, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
import uuid
from decimal import Decimal
from typing import Any

from tests.e2e.conftest import WEBHOOK_SECRET, Http, eventually

ADDRESS = {"line1": "1 Main Street", "city": "Lyon", "postal_code": "69001", "country": "FR"}


class Shop:
    """The people of a small shop, each with their token, talking to the API."""

    def __init__(self, http: Http, runtime: Any) -> None:
        self.http = http
        self.runtime = runtime
        self.inventory = http.token("e2e-inventory", "inventory")
        self.sales = http.token("e2e-sales", "sales")
        self.finance = http.token("e2e-finance", "finance")

    def product(
        self,
        *,
        stock: int,
        price: str = "12.00",
        tax_category: str = "standard",
        reorder_point: int = 2,
        reorder_quantity: int = 20,
        currency: str = "EUR",
    ) -> str:
        sku = f"E2E-{uuid.uuid4().hex[:10].upper()}"
        status, body = self.http.post(
            "/products",
            {
                "sku": sku,
                "name": f"Widget {sku}",
                "unit_price": price,
                "currency": currency,
                "tax_category": tax_category,
                "reorder_point": reorder_point,
                "reorder_quantity": reorder_quantity,
                "active": True,
            },
            token=self.inventory,
        )
        assert status == 201, body
        if stock:
            status, body = self.http.post("/stock/receipts", {"sku": sku, "quantity": stock}, token=self.inventory)
            assert status == 201, body
        # Sales prices orders from its own catalog read model, fed by ProductCreated: let it arrive
        # (idle = no delivery, stream batch or execution in flight anywhere, so it has been consumed).
        eventually(lambda: self.published("ProductCreated", sku))
        assert self.runtime.wait_idle(30.0), "the runtime did not settle"
        return sku

    def published(self, detail_type: str, needle: str) -> list[dict[str, Any]]:
        status, body = self.http.get("/_local/events?limit=500")
        assert status == 200, body
        return [e for e in body["events"] if e.get("detail-type") == detail_type and needle in json.dumps(e)]

    def stock(self, sku: str) -> dict[str, Any]:
        status, body = self.http.get(f"/stock/{sku}", token=self.inventory)
        assert status == 200, body
        return body

    def order(self, order_id: str) -> dict[str, Any]:
        status, body = self.http.get(f"/orders/{order_id}", token=self.sales)
        assert status == 200, body
        return body

    def order_in(self, order_id: str, *statuses: str, timeout: float = 5.0) -> dict[str, Any]:
        return eventually(lambda: (o := self.order(order_id))["status"] in statuses and o, timeout=timeout)

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        status, body = self.http.get(f"/invoices/{invoice_id}", token=self.finance)
        assert status == 200, body
        return body

    def trial_balance(self) -> dict[str, Any]:
        status, body = self.http.get("/ledger/trial-balance", token=self.finance)
        assert status == 200, body
        return body

    def balance(self, code: str) -> Decimal:
        [account] = [a for a in self.trial_balance()["accounts"] if a["code"] == code]
        return Decimal(account["balance"])


def order_body(
    sku: str, quantity: int, *, email: str | None = None, payment_method: str = "invoice", **extra: Any
) -> dict[str, Any]:
    email = email or f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    return {
        "customer": {"email": email, "name": "Ada Buyer", "billing_address": ADDRESS},
        "lines": [{"sku": sku, "quantity": quantity}],
        "payment_method": payment_method,
        **extra,
    }


def signed(payload: dict[str, Any], *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> tuple[bytes, str]:
    """The raw body and its ``Tandem-Signature`` header, as the payment provider sends them."""
    body = json.dumps(payload).encode()
    moment = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={moment},v1={digest}"


def pay(http: Http, **payload: Any) -> tuple[int, Any]:
    body, signature = signed({"id": f"evt_{uuid.uuid4().hex}", "type": "payment.succeeded", **payload})
    return http.request("POST", "/payments/webhook", raw=body, headers={"Tandem-Signature": signature})


def download(http: Http, path: str, token: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(
        http.base_url + path, headers={"Authorization": f"Bearer {token}", "Accept": accept}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def emails_to(http: Http, address: str) -> list[dict[str, Any]]:
    status, body = http.get("/_local/emails")
    assert status == 200, body
    return [m for m in body["emails"] if address in json.dumps(m.get("destination") or m.get("to") or m)]
