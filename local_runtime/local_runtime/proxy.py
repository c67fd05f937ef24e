"""The Lambda proxy integration (REST, payload v1): request -> event, function result -> HTTP answer.

Kept free of sockets so it can be unit-tested and benchmarked on its own; the server only feeds it
``Request`` objects. Shapes follow AWS's documented REST proxy event and response format.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from .apigateway import Route

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
_NULL_IDENTITY = (
    "accessKey",
    "accountId",
    "caller",
    "cognitoAuthenticationProvider",
    "cognitoAuthenticationType",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "principalOrgId",
    "user",
    "userArn",
    "apiKey",
    "apiKeyId",
    "clientCert",
)


@dataclass(slots=True)
class Request:
    """An HTTP request as received (raw percent-encoded path, raw query, headers as sent, same case)."""

    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    port: int = 0

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in reversed(self.headers):
            if key.lower() == lower:
                return value
        return None


@dataclass(slots=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def parse_query(query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """``queryStringParameters`` (last value wins) and ``multiValueQueryStringParameters``."""
    if not query:
        return None, None
    multi: dict[str, list[str]] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        multi.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    if not multi:
        return None, None
    return {k: v[-1] for k, v in multi.items()}, multi


def _headers(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    seen: dict[str, str] = {}  # lower -> first spelling, so "Accept" and "accept" share one entry
    for key, value in request.headers:
        name = seen.setdefault(key.lower(), key)
        single[name] = value
        multi.setdefault(name, []).append(value)
    for name, value in (
        ("X-Forwarded-For", request.source_ip),
        ("X-Forwarded-Port", str(request.port)),
        ("X-Forwarded-Proto", "http"),
    ):
        if name.lower() not in seen:
            single[name] = value
            multi[name] = [value]
    return single, multi


def is_binary(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    """Whether API Gateway would base64 the body: Content-Type matches the API's binaryMediaTypes."""
    if not content_type or not binary_media_types:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    major = mime.split("/", 1)[0]
    for pattern in binary_media_types:
        p = pattern.lower()
        if p in ("*/*", mime) or (p.endswith("/*") and p[:-2] == major):
            return True
    return False


def build_event(
    request: Request,
    route: Route,
    path_parameters: dict[str, str] | None,
    *,
    request_id: str,
    account_id: str,
    claims: Mapping[str, str] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The REST API proxy event for ``request`` on ``route``, as Lambda receives it from API Gateway."""
    now = time.time() if now is None else now
    api = route.api
    headers, multi_headers = _headers(request)
    query, multi_query = parse_query(request.query)
    body: str | None = None
    encoded = False
    if request.body:
        if is_binary(request.header("Content-Type"), api.binary_media_types):
            body, encoded = base64.b64encode(request.body).decode("ascii"), True
        else:
            try:
                body = request.body.decode("utf-8")
            except UnicodeDecodeError:  # not text and not declared binary: still deliver it intact
                body, encoded = base64.b64encode(request.body).decode("ascii"), True
    identity: dict[str, Any] = dict.fromkeys(_NULL_IDENTITY)
    identity["sourceIp"] = request.source_ip
    identity["userAgent"] = headers.get("User-Agent") or request.header("User-Agent")
    host = request.header("Host") or "localhost"
    context: dict[str, Any] = {
        "resourceId": route.resource_id,
        "resourcePath": route.resource,
        "httpMethod": request.method,
        "extendedRequestId": request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "path": f"/{api.stage}{request.path}",
        "accountId": account_id,
        "protocol": request.protocol,
        "stage": api.stage,
        "domainPrefix": host.split(".", 1)[0].split(":", 1)[0],
        "requestTimeEpoch": int(now * 1000),
        "requestId": request_id,
        "identity": identity,
        "domainName": host,
        "apiId": api.api_id,
    }
    if claims is not None:
        context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": route.resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_parameters,
        "stageVariables": api.stage_variables,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": encoded,
    }


class MalformedResponse(Exception):
    """The function's return value is not a valid proxy response (API Gateway answers 502)."""


def map_response(payload: Any) -> Response:
    """Turn a proxy response (statusCode, headers, multiValueHeaders, body, isBase64Encoded) into HTTP.

    Raises MalformedResponse where API Gateway would say "Malformed Lambda proxy response".
    """
    if not isinstance(payload, dict):
        raise MalformedResponse(f"response is {type(payload).__name__}, not an object")
    status = payload.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    single = payload.get("headers") or {}
    multi = payload.get("multiValueHeaders") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise MalformedResponse("headers/multiValueHeaders must be objects")
    headers: list[tuple[str, str]] = []
    multi_lower = {str(k).lower() for k in multi}
    for key, value in single.items():
        if value is not None and str(key).lower() not in multi_lower:  # multiValueHeaders win on a clash
            headers.append((str(key), _header_value(value)))
    for key, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{key!r}] must be a list")
        headers.extend((str(key), _header_value(v)) for v in values if v is not None)
    body = payload.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise MalformedResponse(f"body must be a string, got {type(body).__name__}")
    elif payload.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponse("isBase64Encoded but body is not base64") from exc
    else:
        data = body.encode("utf-8")
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))  # API Gateway REST's default
    return Response(status, headers, data)


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
