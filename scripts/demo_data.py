"""Demo data for `make run`: a few products with stock, a few published knowledge-base articles (so that
`GET /kb/search` and `POST /assistant/ask` have something to answer with) and three employees for this month's
payroll run (issue 11's scenario), created through the HTTP API.

The employees, each linked to a local login (`/_local/token?sub=<sub>&groups=employee`): `demo-employee-anna`
(employed the whole month, the others' manager), `demo-employee-ben` (hired on the 16th of this month) and
`demo-employee-clara` (two unpaid days this month, requested by her and approved by Anna).

Run by the local runtime once it serves (`--on-ready`), which sets LOCAL_API_URL; or by hand:
`LOCAL_API_URL=http://127.0.0.1:3000 python scripts/demo_data.py`. Standard library only.

Idempotent enough to run twice: a product that already exists (409) is left alone and gets no
second stock receipt; an article whose title is already published is not written again. If the inventory
API is not deployed (404, or API Gateway's 403 "Missing Authentication Token" for an unknown route) nothing
is created and the script still succeeds.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from typing import Any

PRODUCTS: list[dict[str, Any]] = [
    {"sku": "DEMO-MUG", "name": "Enamel mug", "unit_price": "12.50", "tax_category": "standard", "stock": 120},
    {"sku": "DEMO-TEE", "name": "Organic T-shirt", "unit_price": "24.90", "tax_category": "standard", "stock": 60},
    {"sku": "DEMO-BOOK", "name": "Field notes (book)", "unit_price": "18.00", "tax_category": "reduced", "stock": 40},
    {"sku": "DEMO-GIFT", "name": "Gift card", "unit_price": "25.00", "tax_category": "zero", "stock": 500},
]
ARTICLES: list[dict[str, Any]] = [
    {
        "title": "Resetting your password",
        "body": 'Forgot your password? Open the sign-in page and choose "Forgot password".\n\n'
        "We email you a link to reset your password. The link works for one hour; ask for a new one if it expired.\n\n"
        "Still no email after ten minutes? Check your spam folder, then write to support.",
        "tags": ["account"],
    },
    {
        "title": "Where is my order?",
        "body": "Every order gets a tracking link by email as soon as it leaves our warehouse.\n\n"
        "Orders placed before 14:00 on a working day ship the same day; delivery takes two to three working "
        "days in Germany and up to a week abroad.\n\n"
        "If the tracking has not moved for five working days, tell us the order number and we ask the carrier.",
        "tags": ["orders", "shipping"],
    },
    {
        "title": "Returning an item and getting a refund",
        "body": "You may return any item within 30 days of delivery, unused and in its packaging.\n\n"
        "Start the return from your order: we email you a prepaid return label.\n\n"
        "The refund goes back to the original payment method within five working days after the parcel arrives.",
        "tags": ["orders", "refunds"],
    },
    {
        "title": "Downloading an invoice",
        "body": "Every invoice is a PDF in your account.\n\n"
        'Open Orders, pick the order and choose "Download invoice". A credit note appears beside the invoice '
        "it corrects.",
        "tags": ["billing"],
    },
    {
        "title": "Passwort zurücksetzen",
        "body": 'Passwort vergessen? Wählen Sie auf der Anmeldeseite "Passwort vergessen".\n\n'
        "Wir senden Ihnen einen Link per E-Mail, mit dem Sie Ihr Passwort zurücksetzen. Der Link gilt eine Stunde.",
        "tags": ["account"],
        "language": "de",
    },
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


def token(base: str, sub: str = "demo-inventory", group: str = "inventory") -> str:
    query = urllib.parse.urlencode({"sub": sub, "groups": group, "email": "demo@example.com"})
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


def load_articles(base: str) -> str:
    """Write and publish the demo articles the knowledge base does not have yet; the one-line summary."""
    bearer = token(base, "demo-agent", "support")
    status, payload = call(base, "GET", "/kb/articles?status=published&limit=100", token=bearer)
    if status != 200:
        raise RuntimeError(f"GET /kb/articles answered {status}: {payload}")
    published = {article["title"] for article in payload["items"]}
    created = 0
    for article in ARTICLES:
        if article["title"] in published:
            continue
        status, payload = call(base, "POST", "/kb/articles", {**article, "status": "published"}, bearer)
        if status != 201:
            raise RuntimeError(f"POST /kb/articles {article['title']!r} answered {status}: {payload}")
        created += 1
    return f"demo data: {created} knowledge-base article(s) published, {len(ARTICLES) - created} already there"


def load_salary_structure(base: str) -> str:
    """The documented demo structure (tandem.payroll.domain.demo) as the default, unless one exists."""
    from tandem.payroll.domain.codec import structure_document
    from tandem.payroll.domain.demo import demo_structure

    bearer = token(base, "demo-payroll", "payroll")
    status, payload = call(base, "GET", "/payroll/structures?limit=1", token=bearer)
    if status != 200:
        raise RuntimeError(f"GET /payroll/structures answered {status}: {payload}")
    if payload["items"]:
        return "demo data: a salary structure is already there"
    body = {**structure_document(demo_structure()), "default": True}
    status, payload = call(base, "POST", "/payroll/structures", body, bearer)
    if status != 201:
        raise RuntimeError(f"POST /payroll/structures answered {status}: {payload}")
    return "demo data: the demo salary structure loaded as the default"


EMPLOYEES: list[dict[str, Any]] = [
    {"sub": "demo-employee-anna", "name": "Anna Berger", "base_salary": "4000.00", "position": "Team lead"},
    {"sub": "demo-employee-ben", "name": "Ben Okafor", "base_salary": "3300.00", "position": "Engineer"},
    {"sub": "demo-employee-clara", "name": "Clara Weiss", "base_salary": "3600.00", "position": "Engineer"},
]
IBANS = ["DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030"]


def _unpaid_days(today: date) -> tuple[date, date]:
    """Two weekdays of this month from the 8th on: after New Year and Epiphany, before Christmas."""
    day = today.replace(day=8)
    while day.weekday() > 3:  # Monday..Thursday, so the next day is a weekday too
        day += timedelta(days=1)
    return day, day + timedelta(days=1)


def load_employees(base: str, today: date | None = None) -> str:
    """Hire the three demo employees not there yet (by login) and give Clara her two approved unpaid days."""
    today = today or date.today()
    hr = token(base, "demo-hr", "hr")
    status, payload = call(base, "GET", "/employees?limit=100", token=hr)
    if status != 200:
        raise RuntimeError(f"GET /employees answered {status}: {payload}")
    known = {e["email"]: e for e in payload["items"]}
    ids: dict[str, str] = {}
    hired = 0
    for index, spec in enumerate(EMPLOYEES):
        email = f"{spec['sub'].removeprefix('demo-employee-')}@tandem.example"
        if email in known:
            ids[spec["sub"]] = known[email]["id"]
            continue
        start = today.replace(day=16) if spec["sub"] == "demo-employee-ben" else date(today.year - 1, 1, 1)
        body = {
            "name": spec["name"],
            "email": email,
            "country": "DE",
            "hire_date": start.isoformat(),
            "base_salary": spec["base_salary"],
            "position": spec["position"],
            "department": "Engineering",
            "cost_centre": "CC-100",
            "iban": IBANS[index],
            "user_sub": spec["sub"],
        }
        if ids:
            body["manager_id"] = ids["demo-employee-anna"]
        status, payload = call(base, "POST", "/employees", body, hr)
        if status != 201:
            raise RuntimeError(f"POST /employees {spec['name']} answered {status}: {payload}")
        ids[spec["sub"]], hired = payload["id"], hired + 1
    return f"demo data: {hired} employee(s) hired, {len(EMPLOYEES) - hired} already there; " + _clara_leave(base, today)


def _clara_leave(base: str, today: date) -> str:
    clara, anna = token(base, "demo-employee-clara", "employee"), token(base, "demo-employee-anna", "employee")
    status, payload = call(base, "GET", "/me/leave-requests", token=clara)
    if status != 200:
        raise RuntimeError(f"GET /me/leave-requests answered {status}: {payload}")
    if payload["items"]:
        return "Clara's leave already there"
    first, second = _unpaid_days(today)
    body = {"kind": "unpaid", "start": first.isoformat(), "end": second.isoformat()}
    status, leave = call(base, "POST", "/me/leave-requests", body, clara)
    if status != 201:
        raise RuntimeError(f"POST /me/leave-requests answered {status}: {leave}")
    status, payload = call(base, "POST", f"/leave-requests/{leave['id']}/approve", None, anna)
    if status != 200:
        raise RuntimeError(f"approving Clara's leave answered {status}: {payload}")
    return f"Clara's unpaid leave {first.isoformat()}..{second.isoformat()} approved by Anna"


def main() -> int:
    base = os.environ.get("LOCAL_API_URL", "http://127.0.0.1:3000").rstrip("/")
    # Each loader in order, with the API it needs: a missing API skips that part, any other failure stops.
    loaders = (
        (load, "inventory"),
        (load_articles, "knowledge base"),
        (load_salary_structure, "payroll"),
        (load_employees, "HR"),
    )
    for loader, api in loaders:
        try:
            print(loader(base), flush=True)
        except ApiMissing as e:
            print(f"demo data: skipped, the {api} API is not there yet ({e})", flush=True)
        except (OSError, RuntimeError) as e:  # URLError is an OSError
            print(f"demo data: failed: {e}", file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
