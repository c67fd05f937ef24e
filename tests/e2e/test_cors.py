"""A web frontend on another origin can call the API, as a browser does it: a preflight, then the request.

The runtime runs with `make run`'s origins (tests/e2e/conftest.py PARAMETERS["AllowedOrigins"]).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from tests.e2e.commerce import Shop, order_body

pytestmark = pytest.mark.e2e

FRONTEND = "http://localhost:5173"
PREFLIGHT = {
    "Origin": FRONTEND,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
}


def _send(http, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, dict[str, str], Any]:
    """(status, headers with lower-case names, parsed body); every API answer is held to the document."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(http.base_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answered, payload = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answered, payload = error.code, error.headers, error.read()
    parsed = json.loads(payload) if payload else None
    if method != "OPTIONS":
        http.contract.check(method, path, status, parsed)
    return status, {name.lower(): value for name, value in answered.items()}, parsed


def _cors(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.startswith("access-control-")}


@pytest.fixture(scope="module")
def shop(http, runtime) -> Shop:
    return Shop(http, runtime)


def test_a_browser_on_the_frontends_origin_places_an_order_preflight_first(http, shop):
    status, headers, _ = _send(http, "OPTIONS", "/orders", PREFLIGHT)
    assert status in (200, 204)
    assert headers["access-control-allow-origin"] == FRONTEND
    assert "POST" in [m.strip() for m in headers["access-control-allow-methods"].split(",")]
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed

    sku = shop.product(stock=5)
    request_headers = {
        "Origin": FRONTEND,
        "Authorization": f"Bearer {shop.sales}",
        "Content-Type": "application/json",
        "Idempotency-Key": uuid.uuid4().hex,
    }
    status, headers, order = _send(http, "POST", "/orders", request_headers, order_body(sku, 1))
    assert status == 201, order
    assert headers["access-control-allow-origin"] == FRONTEND
    assert "Origin" in headers["vary"]
    assert "location" in [h.strip().lower() for h in headers["access-control-expose-headers"].split(",")]


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:3000", "null"])
def test_an_origin_not_allowed_gets_no_cors_header(http, shop, origin):
    status, headers, _ = _send(http, "OPTIONS", "/orders", {**PREFLIGHT, "Origin": origin})
    assert _cors(headers) == {}, status
    status, headers, _ = _send(http, "GET", "/orders", {"Origin": origin, "Authorization": f"Bearer {shop.sales}"})
    assert status == 200 and _cors(headers) == {}


def test_the_gateways_own_401_carries_cors_headers_so_the_frontend_can_read_it(http):
    status, headers, body = _send(http, "POST", "/orders", {"Origin": FRONTEND, "Content-Type": "application/json"}, {})
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert headers["access-control-allow-origin"] == FRONTEND
    assert headers["vary"] == "Origin"


def test_a_public_route_answers_a_browser_too(http):
    status, headers, _ = _send(http, "OPTIONS", "/forms/contact", {**PREFLIGHT, "Origin": "http://127.0.0.1:5173"})
    assert status in (200, 204) and headers["access-control-allow-origin"] == "http://127.0.0.1:5173"
    status, headers, _ = _send(http, "GET", "/products", {"Origin": "http://127.0.0.1:5173"})
    assert status == 200 and headers["access-control-allow-origin"] == "http://127.0.0.1:5173"


@pytest.mark.parametrize(
    "failure",
    [
        {"errorType": "RuntimeError", "errorMessage": "boom"},
        {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 29.00 seconds"},
        "not a proxy response",
    ],
    ids=["raised", "timed out", "garbage"],
)
def test_a_function_that_fails_answers_a_502_the_frontend_can_read(runtime, failure):
    """The template's DEFAULT_5XX echoes Origin: the runtime's own 502 goes through it, as on AWS."""
    from types import SimpleNamespace

    from local_runtime.gateway import ApiGateway
    from local_runtime.http_server import route_table_for
    from local_runtime.proxy import Request

    failed = SimpleNamespace(payload=failure, errored=isinstance(failure, dict))
    gateway = ApiGateway(route_table_for(runtime), lambda function, event: failed)

    response = gateway.handle(Request("GET", "/products", "", [("Origin", FRONTEND)], b""))

    assert response.status == 502
    assert json.loads(response.body)["error"]["code"] == "internal_error"
    headers = {name.lower(): value for name, value in response.headers}
    assert headers["access-control-allow-origin"] == FRONTEND and headers["vary"] == "Origin"
