"""API Gateway's request pipeline: route -> authorize -> build event -> invoke in-process -> map response.

Independent of the socket layer and of the core runtime: it needs a ``RouteTable`` and an ``invoke``
callable, so unit tests drive it with fakes and the server drives it with ``LambdaHost.invoke``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from . import tokens
from .apigateway import Route, RouteTable
from .gateway_responses import GatewayResponses
from .proxy import MAX_BODY_BYTES, MalformedResponse, Request, Response, build_event, map_response

log = logging.getLogger("local_runtime.http")
# Requests a function answered: a logger of their own, which the pretty console silences (its line is richer).
requests_log = logging.getLogger("local_runtime.http.requests")
_EMPTY_RESPONSES = GatewayResponses({})


class InvocationLike(Protocol):
    payload: Any
    errored: bool


Invoke = Callable[[str, dict[str, Any]], InvocationLike]


class ApiGateway:
    """Answers API requests exactly as the deployed REST API would, but in-process."""

    def __init__(self, table: RouteTable, invoke: Invoke, *, account_id: str = "123456789012") -> None:
        self.table = table
        self.invoke = invoke
        self.account_id = account_id

    def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        match = self.table.match(request.method, request.path)
        if match is None:
            api = self.table.default_api
            responses = api.gateway_responses if api else _EMPTY_RESPONSES
            return self._gateway(responses, "MISSING_AUTHENTICATION_TOKEN", request, request_id)
        route = match.route
        if len(request.body) > MAX_BODY_BYTES:
            return self._gateway(route.api.gateway_responses, "REQUEST_TOO_LARGE", request, request_id, route)
        claims = None
        if route.authorizer is not None and route.authorizer.enforced:
            try:
                claims = self._authorize(route, request)
            except tokens.TokenError as exc:
                return self._gateway(
                    route.api.gateway_responses,
                    "UNAUTHORIZED",
                    request,
                    request_id,
                    route,
                    message=exc.message,
                )
        if route.mock is not None:
            headers = [
                *route.mock.headers,
                ("Content-Type", "application/json"),
                ("x-amzn-RequestId", request_id),
            ]
            return Response(route.mock.status, headers, route.mock.body.encode())
        if route.function is None:
            log.warning("%s %s: integration %r is not emulated", route.method, route.resource, route.integration)
            return self._bad_gateway(request, request_id, route)
        event = build_event(
            request,
            route,
            match.path_parameters,
            request_id=request_id,
            account_id=self.account_id,
            claims=claims,
        )
        started = time.perf_counter()
        result = self.invoke(route.function, event)
        if result.errored:
            payload = result.payload if isinstance(result.payload, dict) else {}
            log.error(
                "%s %s -> %s raised %s: %s",
                request.method,
                request.path,
                route.function,
                payload.get("errorType"),
                payload.get("errorMessage"),
            )
            return self._bad_gateway(request, request_id, route)
        try:
            response = map_response(result.payload)
        except MalformedResponse as exc:
            log.error(
                "%s %s -> %s: malformed Lambda proxy response: %s",
                request.method,
                request.path,
                route.function,
                exc,
            )
            return self._bad_gateway(request, request_id, route)
        response.headers.append(("x-amzn-RequestId", request_id))
        if requests_log.isEnabledFor(logging.INFO):
            requests_log.info(
                "%s %s -> %s %d (%.1f ms)",
                request.method,
                request.path,
                route.function,
                response.status,
                (time.perf_counter() - started) * 1000,
            )
        return response

    def _authorize(self, route: Route, request: Request) -> dict[str, str]:
        assert route.authorizer is not None
        token = tokens.token_from_header(request.header(route.authorizer.header))
        claims = tokens.verify(token, issuers=route.authorizer.issuers or None)
        if route.scopes:  # methods with OAuth scopes need an access token carrying one of them
            granted = set(str(claims.get("scope", "")).split())
            if claims.get("token_use") != "access" or not granted.intersection(route.scopes):
                raise tokens.TokenError("Unauthorized")
        return tokens.render_claims(claims)

    def _gateway(
        self,
        responses: GatewayResponses,
        kind: str,
        request: Request,
        request_id: str,
        route: Route | None = None,
        *,
        message: str | None = None,
    ) -> Response:
        context = {
            "requestId": request_id,
            "path": request.path,
            "httpMethod": request.method,
            "resourcePath": route.resource if route else "",
            "stage": route.api.stage if route else "",
        }
        rendered = responses.render(kind, message=message, context=context, request_header=request.header)
        headers = [*rendered.headers, ("x-amzn-RequestId", request_id)]
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s -> %d %s", request.method, request.path, rendered.status, kind)
        return Response(rendered.status, headers, rendered.body)

    def too_large(self, request: Request) -> Response:
        """Answer for a body over the limit, without reading it (the server calls this early)."""
        api = self.table.default_api
        responses = api.gateway_responses if api else _EMPTY_RESPONSES
        return self._gateway(responses, "REQUEST_TOO_LARGE", request, str(uuid.uuid4()))

    def _bad_gateway(self, request: Request, request_id: str, route: Route) -> Response:
        """502 for a function that raised, timed out or answered garbage: a gateway response like the others,
        so DEFAULT_5XX's headers (CORS: the echoed Origin) and template apply to it as on AWS."""
        return self._gateway(route.api.gateway_responses, "LAMBDA_FUNCTION_ERROR", request, request_id, route)


def describe_routes(table: RouteTable) -> list[dict[str, Any]]:
    """Routes for the startup banner and ``summary()``."""
    return [
        {
            "method": r.method,
            "path": r.resource,
            "function": r.function or f"({r.integration})",
            "auth": r.describe_auth(),
            "api": r.api.logical_id,
        }
        for r in table.routes
    ]
