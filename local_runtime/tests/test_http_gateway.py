"""The API pipeline with a fake invoker: auth, gateway responses, 502s, mock integrations, limits."""

from __future__ import annotations

import json

import pytest
from http_testkit import POOL_ID, FakeInvoker, FakeResult, api_template, table_for
from local_runtime.gateway import ApiGateway
from local_runtime.gateway_responses import GatewayResponses
from local_runtime.proxy import MAX_BODY_BYTES, Request

from local_runtime import tokens

POOL = tokens.UserPool(POOL_ID, "us-east-1", "client")


def _req(method: str, path: str, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> Request:
    return Request(method, path, "", [("Host", "localhost"), *(headers or [])], body)


@pytest.fixture
def invoker() -> FakeInvoker:
    return FakeInvoker()


@pytest.fixture
def gateway(invoker: FakeInvoker) -> ApiGateway:
    return ApiGateway(table_for(api_template({"Cors": "'*'"})), invoker, account_id="123456789012")


def test_authorized_route_gets_rest_style_claims(gateway: ApiGateway, invoker: FakeInvoker) -> None:
    token = tokens.mint(POOL, "user-9", groups=["g1", "g2"], email="a@b.c")
    response = gateway.handle(_req("GET", "/items/5", [("Authorization", f"Bearer {token}")]))
    assert response.status == 200
    function, event = invoker.calls[-1]
    claims = event["requestContext"]["authorizer"]["claims"]
    assert function == "ItemsFunction"
    assert claims["sub"] == "user-9" and claims["cognito:groups"] == "g1,g2" and claims["email"] == "a@b.c"
    # the bare token works too
    assert gateway.handle(_req("GET", "/items", [("Authorization", token)])).status == 200


@pytest.mark.parametrize("header", [None, "Bearer garbage", "Bearer " + tokens.mint(POOL, "u", ttl=-5)])
def test_missing_or_bad_token_gets_the_templates_unauthorized_response(
    gateway: ApiGateway, invoker: FakeInvoker, header: str | None
) -> None:
    headers = [("Authorization", header)] if header else []
    response = gateway.handle(_req("GET", "/items", headers))
    assert response.status == 401
    body = json.loads(response.body)
    assert body["error"] == "unauthorized"
    expected = "The incoming token has expired" if header and header.count(".") == 2 else "Unauthorized"
    assert body["why"] == expected
    assert ("x-amzn-ErrorType", "UnauthorizedException") in response.headers
    assert invoker.calls == []


def test_token_from_another_pool_is_refused(gateway: ApiGateway) -> None:
    other = tokens.mint(tokens.UserPool("us-east-1_Other", "us-east-1"), "u")
    assert gateway.handle(_req("GET", "/items", [("Authorization", other)])).status == 401


def test_public_routes_need_no_token(gateway: ApiGateway, invoker: FakeInvoker) -> None:
    response = gateway.handle(_req("POST", "/items", body=b"{}"))
    assert response.status == 200
    assert "authorizer" not in invoker.calls[-1][1]["requestContext"]


def test_unknown_route_uses_missing_authentication_token_response(gateway: ApiGateway) -> None:
    response = gateway.handle(_req("GET", "/nowhere"))
    assert response.status == 404 and json.loads(response.body) == {"error": "no route"}


def test_aws_defaults_when_nothing_is_configured() -> None:
    responses = GatewayResponses({})
    missing = responses.render("MISSING_AUTHENTICATION_TOKEN")
    assert missing.status == 403 and json.loads(missing.body) == {"message": "Missing Authentication Token"}
    unauthorized = responses.render("UNAUTHORIZED")
    assert unauthorized.status == 401 and json.loads(unauthorized.body) == {"message": "Unauthorized"}


def test_default_4xx_applies_to_unconfigured_types_and_keeps_their_status() -> None:
    responses = GatewayResponses.from_body(
        {
            "DEFAULT_4XX": {
                "responseTemplates": {
                    "application/json": '{"msg": "$context.error.message", "t": "$context.error.responseType"}'
                },
                "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
            },
        }
    )
    rendered = responses.render("UNAUTHORIZED")
    assert rendered.status == 401
    assert json.loads(rendered.body) == {"msg": "Unauthorized", "t": "UNAUTHORIZED"}
    assert ("Access-Control-Allow-Origin", "*") in rendered.headers


def test_message_string_is_the_quoted_json_string_as_on_aws() -> None:
    responses = GatewayResponses.from_body(
        {
            "UNAUTHORIZED": {
                "statusCode": "401",
                "responseTemplates": {"application/json": '{"m": $context.error.messageString}'},
            }
        }
    )
    assert json.loads(responses.render("UNAUTHORIZED", message='say "hi"').body) == {"m": 'say "hi"'}


@pytest.mark.parametrize(
    "result",
    [
        FakeResult({"errorType": "ValueError", "errorMessage": "boom"}, errored=True),
        FakeResult({"body": "no status code"}),
        FakeResult("not a dict"),
    ],
)
def test_handler_errors_and_malformed_responses_are_502(result: FakeResult) -> None:
    gateway = ApiGateway(table_for(api_template()), FakeInvoker(reply=lambda f, e: result))
    response = gateway.handle(_req("POST", "/items"))
    assert response.status == 502 and json.loads(response.body) == {"message": "Internal server error"}


def test_cors_preflight_is_answered_without_invoking(gateway: ApiGateway, invoker: FakeInvoker) -> None:
    response = gateway.handle(_req("OPTIONS", "/items/1"))
    assert response.status == 200
    assert ("Access-Control-Allow-Origin", "*") in response.headers
    assert invoker.calls == []


def test_request_ids_are_fresh_per_request(gateway: ApiGateway, invoker: FakeInvoker) -> None:
    gateway.handle(_req("POST", "/items"))
    gateway.handle(_req("POST", "/items"))
    ids = [e["requestContext"]["requestId"] for _, e in invoker.calls]
    assert len(set(ids)) == 2


def test_body_over_ten_megabytes_is_413(gateway: ApiGateway, invoker: FakeInvoker) -> None:
    response = gateway.handle(_req("POST", "/items", body=b"x" * (MAX_BODY_BYTES + 1)))
    assert response.status == 413 and invoker.calls == []
    assert gateway.handle(_req("POST", "/items", body=b"x" * MAX_BODY_BYTES)).status == 200
