"""CORS as API Gateway does it when the functions answer it: each path's OPTIONS method goes to its
function without a token, and gateway responses copy request headers (``method.request.header.Origin``)
into theirs, so the gateway's own errors carry CORS headers too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from http_testkit import FakeInvoker, FakeResult, api_template, table_for
from local_runtime.gateway import ApiGateway
from local_runtime.gateway_responses import GatewayResponses
from local_runtime.proxy import Request

ORIGIN = "http://localhost:5173"
ECHO_ORIGIN = {"Access-Control-Allow-Origin": "method.request.header.Origin", "Vary": "'Origin'"}


def _cors_app() -> dict[str, Any]:
    """The generic API, its gateway responses echoing Origin, and an OPTIONS route per path."""
    sam = api_template(
        {
            "GatewayResponses": {
                "UNAUTHORIZED": {"StatusCode": 401, "ResponseParameters": {"Headers": ECHO_ORIGIN}},
                "DEFAULT_4XX": {"ResponseParameters": {"Headers": ECHO_ORIGIN}},
                "DEFAULT_5XX": {
                    "ResponseParameters": {"Headers": ECHO_ORIGIN},
                    "ResponseTemplates": {"application/json": '{"error": $context.error.messageString}'},
                },
            }
        }
    )
    events = sam["Resources"]["ItemsFunction"]["Properties"]["Events"]
    for name, path in (("PreflightItems", "/items"), ("PreflightItem", "/items/{id}")):
        events[name] = {
            "Type": "Api",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "Path": path,
                "Method": "OPTIONS",
                "Auth": {"Authorizer": "NONE"},
            },
        }
    return sam


def _function_answer(function: str, event: dict[str, Any]) -> FakeResult:
    """A function that allows ORIGIN only, as a CORS-aware resolver would."""
    allowed = event["headers"].get("Origin") == ORIGIN
    headers = {"Access-Control-Allow-Origin": ORIGIN, "Vary": "Origin"} if allowed else {"Vary": "Origin"}
    if event["httpMethod"] == "OPTIONS":
        if allowed:
            headers |= {"Access-Control-Allow-Methods": "GET,POST", "Access-Control-Allow-Headers": "Authorization"}
        return FakeResult({"statusCode": 204, "headers": headers, "body": ""})
    return FakeResult({"statusCode": 200, "headers": headers, "body": "{}"})


@pytest.fixture
def invoker() -> FakeInvoker:
    return FakeInvoker(reply=_function_answer)


@pytest.fixture
def gateway(invoker: FakeInvoker) -> ApiGateway:
    return ApiGateway(table_for(_cors_app()), invoker)


def _req(method: str, path: str, headers: list[tuple[str, str]]) -> Request:
    return Request(method, path, "", [("Host", "localhost"), *headers], b"")


def _headers(response: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers}


@pytest.mark.parametrize("path", ["/items", "/items/42"])
def test_a_preflight_reaches_the_function_without_a_token_even_on_a_protected_path(
    gateway: ApiGateway, invoker: FakeInvoker, path: str
) -> None:
    preflight = [("Origin", ORIGIN), ("Access-Control-Request-Method", "GET")]
    response = gateway.handle(_req("OPTIONS", path, preflight))
    assert response.status == 204
    assert _headers(response)["access-control-allow-origin"] == ORIGIN
    function, event = invoker.calls[-1]
    assert function == "ItemsFunction" and event["httpMethod"] == "OPTIONS"
    assert "authorizer" not in event["requestContext"]


def test_an_origin_the_function_does_not_allow_gets_no_cors_header(gateway: ApiGateway) -> None:
    response = gateway.handle(_req("OPTIONS", "/items", [("Origin", "https://evil.example")]))
    assert response.status == 204
    assert not [name for name in _headers(response) if name.startswith("access-control-")]


def test_the_gateways_own_401_copies_the_requests_origin_into_its_headers(
    gateway: ApiGateway, invoker: FakeInvoker
) -> None:
    response = gateway.handle(_req("GET", "/items", [("origin", ORIGIN)]))  # header names are case-insensitive
    assert response.status == 401 and invoker.calls == []
    assert _headers(response)["access-control-allow-origin"] == ORIGIN
    assert _headers(response)["vary"] == "Origin"


def test_a_default_4xx_mapping_applies_to_every_type_not_configured_itself(gateway: ApiGateway) -> None:
    responses = gateway.table.routes[0].api.gateway_responses
    denied = responses.render("ACCESS_DENIED", request_header={"Origin": ORIGIN}.get)
    assert denied.status == 403 and dict(denied.headers)["Access-Control-Allow-Origin"] == ORIGIN
    missing = gateway.handle(_req("DELETE", "/items", [("Origin", ORIGIN)]))  # no such method on /items
    assert missing.status == 403 and _headers(missing)["access-control-allow-origin"] == ORIGIN


def test_a_mapping_from_a_header_the_request_lacks_sends_no_header() -> None:
    responses = GatewayResponses.from_body(
        {
            "UNAUTHORIZED": {
                "responseParameters": {
                    "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.Origin"
                }
            }
        }
    )
    without = responses.render("UNAUTHORIZED")
    assert "Access-Control-Allow-Origin" not in dict(without.headers)
    with_origin = responses.render("UNAUTHORIZED", request_header=lambda name: ORIGIN if name == "Origin" else None)
    assert dict(with_origin.headers)["Access-Control-Allow-Origin"] == ORIGIN
    assert json.loads(with_origin.body) == {"message": "Unauthorized"}


@pytest.mark.parametrize(
    "failure",
    [
        FakeResult({"errorType": "ValueError", "errorMessage": "boom"}, errored=True),
        FakeResult(
            {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds"}, errored=True
        ),
        FakeResult({"body": "no status code"}),
        FakeResult("not a dict"),
    ],
    ids=["raised", "timed out", "malformed", "garbage"],
)
def test_the_502_of_a_failed_function_is_default_5xx_with_its_cors_headers(failure: FakeResult) -> None:
    gateway = ApiGateway(table_for(_cors_app()), FakeInvoker(reply=lambda function, event: failure))
    token_free = _req("OPTIONS", "/items", [("Origin", ORIGIN)])  # reaches the function without a token

    response = gateway.handle(token_free)

    assert response.status == 502
    assert json.loads(response.body) == {"error": "Internal server error"}  # DEFAULT_5XX's template
    headers = _headers(response)
    assert headers["access-control-allow-origin"] == ORIGIN and headers["vary"] == "Origin"
    assert headers["x-amzn-errortype"] == "InternalServerErrorException" and headers["x-amzn-requestid"]
    without_origin = gateway.handle(_req("OPTIONS", "/items", []))
    assert without_origin.status == 502 and "access-control-allow-origin" not in _headers(without_origin)
