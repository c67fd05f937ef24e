"""CORS at the HTTP edge: allowed origins get their CORS headers on every answer, others get none."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict
from tandem.shared import cors
from tandem.shared.auth import require_groups
from tandem.shared.http import make_resolver

ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str


app = make_resolver(allowed_origins=ORIGINS, max_body_bytes=64)


@app.post("/orders", middlewares=[require_groups("customer")])
def place(body: Body) -> dict:
    if body.name == "boom":
        raise RuntimeError("internals")
    return {"ok": True}


@app.get("/products")
def products() -> dict:
    return {"items": []}


def _call(method, path, headers=None, body=None, groups=None, resolver=app):
    event = {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": headers or {},
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "requestContext": {
            "requestId": "r1",
            **(
                {"authorizer": {"claims": {"sub": "u1", "token_use": "id", "cognito:groups": groups}}} if groups else {}
            ),
        },
        "body": body,
        "isBase64Encoded": False,
    }
    response = resolver.resolve(event, None)
    single = response.get("headers") or {}
    multi = {k: ",".join(v) for k, v in (response.get("multiValueHeaders") or {}).items()}
    return response["statusCode"], {k.lower(): v for k, v in {**single, **multi}.items()}


def _cors_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith("access-control-")}


PREFLIGHT = {
    "Origin": "http://localhost:5173",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
}


@pytest.mark.parametrize("origin", ORIGINS)
def test_a_preflight_from_an_allowed_origin_allows_the_method_and_the_headers_frontends_send(origin):
    status, headers = _call("OPTIONS", "/orders", {**PREFLIGHT, "Origin": origin})
    assert status == 204
    assert headers["access-control-allow-origin"] == origin
    assert "POST" in headers["access-control-allow-methods"].split(",")
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert int(headers["access-control-max-age"]) == cors.MAX_AGE_SECONDS
    assert headers["vary"] == "Origin"


def test_the_real_answer_echoes_the_allowed_origin_and_exposes_location_and_retry_after():
    status, headers = _call(
        "POST",
        "/orders",
        {"Origin": "http://127.0.0.1:5173", "Content-Type": "application/json"},
        '{"name": "a"}',
        "customer",
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "http://127.0.0.1:5173"
    assert {"Location", "Retry-After"} <= set(headers["access-control-expose-headers"].split(","))
    assert headers["vary"] == "Origin"


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "groups", "expected"),
    [
        ("OPTIONS", "/orders", PREFLIGHT, None, None, 204),
        ("POST", "/orders", {"Content-Type": "application/json"}, '{"name": "a"}', "customer", 200),
        ("GET", "/products", {}, None, None, 200),
        ("POST", "/orders", {"Content-Type": "application/json"}, '{"name": "a"}', None, 401),
    ],
)
@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:5174", "null"])
def test_an_origin_not_allowed_gets_no_cors_header_at_all(method, path, headers, body, groups, expected, origin):
    status, answered = _call(method, path, {**headers, "Origin": origin}, body, groups)
    assert status == expected
    assert _cors_headers(answered) == {}
    assert answered["vary"] == "Origin"


@pytest.mark.parametrize(
    ("headers", "body", "groups", "expected"),
    [
        ({"Content-Type": "application/json"}, '{"name": "a"}', None, 401),  # the route's own group check
        ({"Content-Type": "application/json"}, '{"name": "a"}', "sales", 403),
        ({"Content-Type": "application/json"}, "{not json", "customer", 400),
        ({"Content-Type": "application/json"}, '{"name": 1}', "customer", 422),
        ({"Content-Type": "text/plain"}, '{"name": "a"}', "customer", 415),  # refused before parsing
        ({"Content-Type": "application/json"}, '{"name": "' + "a" * 100 + '"}', "customer", 413),
        ({"Content-Type": "application/json"}, '{"name": "boom"}', "customer", 500),
    ],
)
def test_errors_carry_cors_headers_for_an_allowed_origin_so_the_frontend_can_read_them(headers, body, groups, expected):
    status, answered = _call("POST", "/orders", {**headers, "Origin": "http://localhost:5173"}, body, groups)
    assert status == expected
    assert answered["access-control-allow-origin"] == "http://localhost:5173"


def test_a_request_without_origin_gets_no_cors_header():
    status, headers = _call("GET", "/products")
    assert status == 200 and _cors_headers(headers) == {}


def test_without_allowed_origins_the_resolver_sends_no_cors_header_and_answers_no_preflight():
    closed = make_resolver(allowed_origins=())

    @closed.get("/products")
    def listing() -> dict:
        return {"items": []}

    status, headers = _call("GET", "/products", {"Origin": "http://localhost:5173"}, resolver=closed)
    assert status == 200 and _cors_headers(headers) == {} and "vary" not in headers
    status, headers = _call("OPTIONS", "/products", PREFLIGHT, resolver=closed)
    assert status == 404 and _cors_headers(headers) == {}


def test_origins_come_from_the_environment_once_when_the_resolver_is_made(monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", " https://app.example.com/ ,HTTP://LOCALHOST:5173,,")
    resolver = make_resolver()
    monkeypatch.setenv("ALLOWED_ORIGINS", "")

    @resolver.get("/products")
    def listing() -> dict:
        return {"items": []}

    for origin in ("https://app.example.com", "http://localhost:5173"):
        _, headers = _call("GET", "/products", {"Origin": origin}, resolver=resolver)
        assert headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("bad", ["*", "https://app.example.com/path", "app.example.com", "ftp://x.example"])
def test_a_value_that_is_not_an_origin_is_a_configuration_error(bad):
    with pytest.raises(ValueError, match="ALLOWED_ORIGINS"):
        cors.parse_origins(f"http://localhost:5173,{bad}")
