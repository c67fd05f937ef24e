"""Demo data for `make run`: a few products with stock, created through the public HTTP API.

Run by the local runtime once it serves (`--on-ready`), which sets LOCAL_API_URL; or by hand:
`LOCAL_API_URL=http://127.0.0.1:3000 python scripts/demo_data.py`. Standard library only.

Idempotent enough to run twice: a product that already exists (409) is left alone and gets no
second stock receipt. If the inventory API is not deployed (404, or API Gateway's 403 "Missing
Authentication Token" for an unknown route) nothing is created and the script still succeeds.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

PRODUCTS: list[dict[str, Any]] = [
    {"sku": "DEMO-MUG", "name": "Enamel mug", "unit_price": "12.50", "tax_category": "standard", "stock": 120},
    {"sku": "DEMO-TEE", "name": "Organic T-shirt", "unit_price": "24.90", "tax_category": "standard", "stock": 60},
    {"sku": "DEMO-BOOK", "name": "Field notes (book)", "unit_price": "18.00", "tax_category": "reduced", "stock": 40},
    {"sku": "DEMO-GIFT", "name": "Gift card", "unit_price": "25.00", "tax_category": "zero", "stock": 500},
]
CURRENCY = os.environ.get("DEMO_CURRENCY", "EUR")
TIMEOUT = 30.0  # the first call to a function may wait for its import


class ApiMissing(Exception):
    """The route does not exist (yet)."""


def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """(status, parsed JSON body) of one request; HTTP errors are returned, not raised."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    unknown_route = isinstance(payload, dict) and payload.get("message") == "Missing Authentication Token"
    if status == 404 or (status == 403 and unknown_route):  # API Gateway answers 403 for a route it lacks
        raise ApiMissing(f"{method} {path}")
    return status, payload


def token(base: str) -> str:
    query = urllib.parse.urlencode({"sub": "demo-inventory", "groups": "inventory", "email": "demo@example.com"})
    status, payload = call(base, "GET", f"/_local/token?{query}")
    if status != 200 or not isinstance(payload, dict) or "token" not in payload:
        raise RuntimeError(f"GET /_local/token answered {status}: {payload}")
    return str(payload["token"])


def load(base: str) -> str:
    """Create the demo products and book their stock; the one-line summary."""
    bearer = token(base)
    created, existing, stocked = [], [], []
    for spec in PRODUCTS:
        product = {k: v for k, v in spec.items() if k != "stock"}
        product.update(currency=CURRENCY, reorder_point=10, reorder_quantity=50, active=True)
        status, payload = call(base, "POST", "/products", product, bearer)
        if status == 409:
            existing.append(spec["sku"])  # already there: no second receipt either
            continue
        if status != 201:
            raise RuntimeError(f"POST /products {spec['sku']} answered {status}: {payload}")
        created.append(spec["sku"])
        receipt = {"sku": spec["sku"], "quantity": spec["stock"], "reference": "demo-data"}
        status, payload = call(base, "POST", "/stock/receipts", receipt, bearer)
        if status != 201:
            raise RuntimeError(f"POST /stock/receipts {spec['sku']} answered {status}: {payload}")
        stocked.append(f"{spec['sku']}={spec['stock']}")
    return (
        f"demo data: {len(created)} product(s) created, {len(existing)} already there; "
        f"stock booked: {', '.join(stocked) or 'none'}"
    )


def main() -> int:
    base = os.environ.get("LOCAL_API_URL", "http://127.0.0.1:3000").rstrip("/")
    try:
        print(load(base), flush=True)
    except ApiMissing as e:
        print(f"demo data: skipped, the inventory API is not there yet ({e})", flush=True)
    except (OSError, RuntimeError) as e:  # URLError is an OSError
        print(f"demo data: failed: {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
