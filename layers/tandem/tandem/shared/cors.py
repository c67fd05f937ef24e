"""CORS at the HTTP edge: which browser origins may call the API, and the headers that tell them so.

The origins are the template parameter ``AllowedOrigins`` (comma-separated), which reaches every API
function as ``ALLOWED_ORIGINS``. ``make_resolver`` reads it once, when the handler module is imported
(once per execution environment on Lambda; once per function locally, under that function's own
environment): the one environment read of the HTTP edge, and never from domain code.

API Gateway's own CORS (SAM's ``Cors``) answers preflights from a mock integration with one fixed origin or
``*``. Tandem allows several origins and answers only those, so every route's ``OPTIONS`` goes to the
function that serves the route and Powertools' ``CORSConfig`` answers the preflight; every answer of the
function (its errors too) echoes an allowed ``Origin`` and says ``Vary: Origin``; an origin not listed gets
no ``Access-Control-*`` header at all, so the browser refuses. The gateway's own errors (401, 403, 429, 5xx)
echo the request's ``Origin`` (a gateway response cannot compare it with a list; they carry only a fixed
error body).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import CORSConfig

ENVIRONMENT_VARIABLE = "ALLOWED_ORIGINS"
# What frontends send beyond the CORS-safelisted headers (Powertools adds Authorization and Content-Type).
ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"]
# What a browser may let the frontend read beyond the safelisted response headers.
EXPOSED_HEADERS = ["Location", "Retry-After"]
MAX_AGE_SECONDS = 600  # browsers cache a preflight this long (Chromium caps it at 7200)
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?")


def parse_origins(text: str) -> tuple[str, ...]:
    """``"https://app.example.com, http://localhost:5173"`` -> the origins, lower-case, without a trailing
    ``/``. Anything else than ``scheme://host[:port]`` (a path, ``*``) is a configuration error."""
    origins = []
    for item in text.split(","):
        origin = item.strip().rstrip("/").lower()
        if not origin:
            continue
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"{ENVIRONMENT_VARIABLE}: {item.strip()!r} is not an origin (scheme://host[:port])")
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def origins_from_environment() -> tuple[str, ...]:
    return parse_origins(os.environ.get(ENVIRONMENT_VARIABLE, ""))


def cors_config(origins: Sequence[str]) -> CORSConfig | None:
    """Powertools' CORS configuration for ``origins``, or None (no origin allowed: no CORS headers)."""
    if not origins:
        return None
    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=list(origins[1:]),
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        max_age=MAX_AGE_SECONDS,
    )


def request_origin(event: Mapping[str, Any]) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == "origin" and isinstance(value, str):
            return value
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == "origin" and isinstance(values, list) and values and isinstance(values[0], str):
            return values[0]
    return None


def apply(response: dict[str, Any], event: Mapping[str, Any], config: CORSConfig | None) -> dict[str, Any]:
    """``response`` (a Lambda proxy answer) with exactly the CORS headers ``event``'s origin may have:
    all of them for an allowed origin (whichever path produced the answer), none for another origin,
    and ``Vary: Origin`` always (the answer depends on it)."""
    if config is None:
        return response
    origin = request_origin(event)
    allowed = origin is not None and config.allowed_origin(origin) == origin
    wanted = config.to_dict(origin) if allowed else {}
    multi = "multiValueHeaders" in response and "headers" not in response
    headers: MutableMapping[str, Any] = response.setdefault("multiValueHeaders" if multi else "headers", {})
    for name in [name for name in headers if name.lower().startswith("access-control-")]:
        if not allowed:
            del headers[name]
    for name, value in {**wanted, "Vary": "Origin"}.items():
        if not any(existing.lower() == name.lower() for existing in headers):
            headers[name] = [value] if multi else value
    return response
