"""API Gateway "gateway responses": the answers API Gateway gives itself, before or instead of a function.

A type configured in the template wins; otherwise DEFAULT_4XX / DEFAULT_5XX; otherwise AWS's built-in
default. The status code is the type's own unless the chosen configuration sets one. Templates are
rendered with the handful of ``$context`` variables gateway responses use; note that
``$context.error.messageString`` is the *quoted* JSON string, as on AWS (so ``"$context.error.messageString"``
inside quotes renders invalid JSON there and here alike).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# type -> (default status, default message, x-amzn-ErrorType)
DEFAULTS: dict[str, tuple[int, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        "Missing Authentication Token",
        "MissingAuthenticationTokenException",
    ),
    "UNAUTHORIZED": (401, "Unauthorized", "UnauthorizedException"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource", "AccessDeniedException"),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", "RequestTooLargeException"),
    "THROTTLED": (429, "Too Many Requests", "TooManyRequestsException"),
    "BAD_REQUEST_BODY": (400, "Invalid request body", "BadRequestException"),
    "BAD_REQUEST_PARAMETERS": (400, "Invalid request parameters", "BadRequestException"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "Unsupported Media Type", "UnsupportedMediaTypeException"),
    "RESOURCE_NOT_FOUND": (404, "Not Found", "NotFoundException"),
    "INTEGRATION_FAILURE": (504, "Internal server error", "InternalServerErrorException"),
    "INTEGRATION_TIMEOUT": (504, "Endpoint request timed out", "InternalServerErrorException"),
    "AUTHORIZER_FAILURE": (500, "Internal server error", "AuthorizerConfigurationException"),
    "API_CONFIGURATION_ERROR": (500, "Internal server error", "InternalServerErrorException"),
    # Not a type a template can configure: AWS's answer to a Lambda proxy integration whose function raised,
    # timed out or returned a malformed response. It is styled by DEFAULT_5XX (its headers, e.g. CORS, and
    # its template), as on AWS.
    "LAMBDA_FUNCTION_ERROR": (502, "Internal server error", "InternalServerErrorException"),
}


def static_headers(parameters: Mapping[str, Any] | None, prefix: str) -> list[tuple[str, str]]:
    """Headers API Gateway sets from constant mappings (``"<prefix>Name": "'value'"``).

    Mappings from request or context values are not static and are left out.
    """
    headers = []
    for key, value in (parameters or {}).items():
        if key.startswith(prefix) and isinstance(value, str) and value[:1] == "'" and value[-1:] == "'":
            headers.append((key[len(prefix) :], value[1:-1]))
    return headers


def request_header_mappings(parameters: Mapping[str, Any] | None, prefix: str) -> list[tuple[str, str]]:
    """Headers API Gateway copies from the request (``"<prefix>Name": "method.request.header.Other"``), as
    (header, request header); the usual way to echo ``Origin`` in CORS headers of a gateway response."""
    mapped = []
    for key, value in (parameters or {}).items():
        if key.startswith(prefix) and isinstance(value, str) and value.startswith(_REQUEST_HEADER):
            mapped.append((key[len(prefix) :], value[len(_REQUEST_HEADER) :]))
    return mapped


_REQUEST_HEADER = "method.request.header."
_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
_CONTEXT_VAR = re.compile(r"\$(?:\{context\.([A-Za-z.]+)\}|context\.([A-Za-z][A-Za-z.]*[A-Za-z]))")


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class _Config:
    status: int | None
    headers: tuple[tuple[str, str], ...]
    template: str | None
    from_request: tuple[tuple[str, str], ...] = ()


class GatewayResponses:
    """Gateway responses of one API, parsed once from ``x-amazon-apigateway-gateway-responses``."""

    def __init__(self, configs: Mapping[str, _Config]) -> None:
        self._configs = dict(configs)

    @classmethod
    def from_body(cls, raw: Mapping[str, Any] | None) -> GatewayResponses:
        configs: dict[str, _Config] = {}
        for kind, spec in (raw or {}).items():
            spec = spec or {}
            status = spec.get("statusCode")
            headers = static_headers(spec.get("responseParameters"), "gatewayresponse.header.")
            templates = spec.get("responseTemplates") or {}
            template = templates.get("application/json") if templates else None
            if template is None and templates:
                template = next(iter(templates.values()))
            mapped = request_header_mappings(spec.get("responseParameters"), "gatewayresponse.header.")
            configs[str(kind)] = _Config(
                int(status) if status not in (None, "") else None, tuple(headers), template, tuple(mapped)
            )
        return cls(configs)

    def configured(self) -> list[str]:
        return sorted(self._configs)

    def render(
        self,
        kind: str,
        *,
        message: str | None = None,
        context: Mapping[str, Any] | None = None,
        request_header: Callable[[str], str | None] = lambda name: None,
    ) -> GatewayResponse:
        """The HTTP answer for gateway response type ``kind`` (e.g. ``UNAUTHORIZED``); ``request_header``
        looks up a header of the request (case-insensitive) for mappings from ``method.request.header``;
        a mapping from a header the request lacks sends no header."""
        default_status, default_message, error_type = DEFAULTS.get(kind, (500, "Internal server error", "Exception"))
        family = "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX"
        config = self._configs.get(kind) or self._configs.get(family)
        status = default_status
        if config is not None and config.status is not None and kind in self._configs:
            status = config.status
        template = config.template if config is not None and config.template is not None else _DEFAULT_TEMPLATE
        text = message if message is not None else default_message
        variables = {
            "error.message": text,
            "error.messageString": json.dumps(text),
            "error.responseType": kind,
            **{k: v for k, v in (context or {}).items()},
        }
        body = _CONTEXT_VAR.sub(lambda m: str(variables.get(m.group(1) or m.group(2), "")), template)
        headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type)]
        if config is not None:
            headers.extend(config.headers)
            for name, source in config.from_request:
                value = request_header(source)
                if value is not None:
                    headers.append((name, value))
        return GatewayResponse(status, headers, body.encode())
