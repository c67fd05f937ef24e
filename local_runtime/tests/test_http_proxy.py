"""REST proxy event building and proxy response mapping (payload format 1.0)."""

from __future__ import annotations

import base64

import pytest
from http_testkit import api_template, table_for
from local_runtime.proxy import MalformedResponse, Request, build_event, map_response


def _request(
    method: str = "GET",
    path: str = "/items/7",
    query: str = "",
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
) -> Request:
    return Request(
        method,
        path,
        query,
        headers or [("Host", "localhost:3000"), ("User-Agent", "pytest")],
        body,
        "10.0.0.9",
        "HTTP/1.1",
        3000,
    )


def test_event_has_every_field_api_gateway_sends() -> None:
    table = table_for(api_template({"Variables": {"v": "1"}}))
    req = _request(
        query="a=1&a=2&b=x%20y&c",
        headers=[
            ("Host", "localhost:3000"),
            ("User-Agent", "pytest"),
            ("Accept", "a"),
            ("accept", "b"),
            ("X-Correlation-Id", "corr-1"),
        ],
    )
    match = table.match("GET", req.path)
    assert match is not None
    event = build_event(
        req,
        match.route,
        match.path_parameters,
        request_id="rid",
        account_id="111122223333",
        claims={"sub": "u1"},
        now=1_700_000_000.5,
    )
    assert set(event) == {
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
        "body",
        "isBase64Encoded",
    }
    assert event["resource"] == "/items/{id}" and event["path"] == "/items/7" and event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "7"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x y", "c": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x y"], "c": [""]}
    assert event["headers"]["Accept"] == "b" and event["multiValueHeaders"]["Accept"] == ["a", "b"]
    assert event["headers"]["X-Correlation-Id"] == "corr-1"  # passed through untouched
    assert event["headers"]["X-Forwarded-For"] == "10.0.0.9"
    assert event["stageVariables"] == {"v": "1"}
    assert event["body"] is None and event["isBase64Encoded"] is False
    ctx = event["requestContext"]
    assert ctx["accountId"] == "111122223333" and ctx["stage"] == "test" and ctx["path"] == "/test/items/7"
    assert ctx["resourcePath"] == "/items/{id}" and ctx["httpMethod"] == "GET" and ctx["requestId"] == "rid"
    assert ctx["requestTimeEpoch"] == 1_700_000_000_500 and ctx["protocol"] == "HTTP/1.1"
    assert ctx["identity"]["sourceIp"] == "10.0.0.9" and ctx["identity"]["userAgent"] == "pytest"
    assert ctx["authorizer"] == {"claims": {"sub": "u1"}}
    assert ctx["apiId"] and ctx["resourceId"]


def test_public_route_without_query_has_nulls_and_no_authorizer() -> None:
    table = table_for(api_template())
    req = _request("POST", "/items", body=b'{"name": "x"}')
    match = table.match("POST", "/items")
    assert match is not None
    event = build_event(req, match.route, match.path_parameters, request_id="r", account_id="1")
    assert event["queryStringParameters"] is None and event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None and event["stageVariables"] is None
    assert "authorizer" not in event["requestContext"]
    assert event["body"] == '{"name": "x"}' and event["isBase64Encoded"] is False


def test_binary_bodies_are_base64_encoded() -> None:
    table = table_for(api_template({"BinaryMediaTypes": ["image~1png"]}))
    png = b"\x89PNG\r\n\x1a\n\x00\x01"
    req = _request("PUT", "/files/a.png", body=png, headers=[("Content-Type", "image/png")])
    match = table.match("PUT", req.path)
    assert match is not None
    event = build_event(req, match.route, match.path_parameters, request_id="r", account_id="1")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == png
    # undeclared type but not UTF-8: still delivered intact rather than mangled
    req = _request("PUT", "/files/a.bin", body=b"\xff\xfe", headers=[("Content-Type", "application/x-thing")])
    event = build_event(req, match.route, match.path_parameters, request_id="r", account_id="1")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\xff\xfe"


def test_response_mapping_merges_headers_and_decodes_base64() -> None:
    response = map_response(
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "Set-Cookie": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201 and response.body == b"\x00\x01"
    assert ("X-One", "1") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert ("Content-Type", "application/json") in response.headers  # REST default


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "text",
        {"body": "no status"},
        {"statusCode": "abc"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "headers": ["x"]},
        {"statusCode": 200, "body": "%%%", "isBase64Encoded": True},
    ],
)
def test_malformed_proxy_responses_are_rejected(payload: object) -> None:
    with pytest.raises(MalformedResponse):
        map_response(payload)


def test_string_status_code_is_accepted() -> None:
    assert map_response({"statusCode": "204"}).status == 204
