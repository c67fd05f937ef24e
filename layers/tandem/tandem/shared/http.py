"""The HTTP edge: a Powertools REST resolver that always answers in Tandem's error shape.

* body over ``max_body_bytes`` -> 413, a body without Content-Type ``application/json`` (any case,
  parameters allowed) -> 415, a body nesting deeper than 32 levels or with a number over 100 characters
  -> 400 (``tandem.shared.json_edge``): all checked before anything parses the body, so no parser ever
  fails on it with a 500 (on a protected route, after its group check: 401/403 first);
* malformed JSON -> 400 "Body is not valid JSON" (Powertools reports it as a
  ``RequestValidationError`` with type ``json_invalid``);
* any other validation error -> 422 listing every bad field;
* ``DomainError`` -> its status from ``tandem.shared.errors.HTTP_STATUS``;
* ``PersistenceError`` (throttling, a DynamoDB service error) -> 503 with ``Retry-After``;
* anything else -> 500 with a generic message, logged with its stack trace, never sent.

Authorization runs before validation: Powertools validates before any middleware runs, so
the resolver records each route's ``require_groups`` when the route is registered (keyed on
method + OpenAPI path) and the validation handler applies that check first, finding the
matched route through the public ``app.request``. A caller without permission learns
nothing about the input rules. Valid requests are checked by the route middleware itself.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import logging
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.models import Tag
from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader

from tandem.shared import cors, request_keys
from tandem.shared.auth import authorize
from tandem.shared.errors import (
    INTERNAL_ERROR_CODE,
    INTERNAL_ERROR_MESSAGE,
    BadRequest,
    DomainError,
    NotFound,
    PayloadTooLarge,
    PersistenceError,
    ServiceUnavailable,
    UnsupportedMediaType,
    ValidationFailed,
    body_for,
    error_body,
    field_errors,
    http_status,
)
from tandem.shared.json_edge import json_limit_error
from tandem.shared.openapi import (
    NEXT_TOKEN_DESCRIPTION,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PAGE_TOKEN_MAX,
    ErrorResponse,
)

MAX_BODY_BYTES = 64 * 1024
JSON_MEDIA_TYPE = "application/json"
Handler = TypeVar("Handler", bound=Callable[..., object])
_RULE_PARAMETER = re.compile(r"<(\w+)>")  # Powertools' "/leads/<id>" is OpenAPI's "/leads/{id}"
_ROUTE_SIGNATURE = inspect.signature(APIGatewayRestResolver.route)
log = logging.getLogger(__name__)
# Read routes and idempotent redeliveries legitimately emit no metric; Powertools warns on every such
# invocation, which buries real warnings in the logs.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def _json_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body), headers=headers
    )


def error_response(error: DomainError) -> Response:
    retry_after = getattr(error, "retry_after_seconds", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return _json_response(http_status(error), body_for(error), headers)


def _body_size(event: Mapping[str, Any]) -> int:
    body = event.get("body") or ""
    return len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))


def _content_type(event: Mapping[str, Any]) -> str:
    """The media type of the request's Content-Type, lower case and without parameters ("" if none)."""
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == "content-type" and isinstance(value, str):
            return value.split(";")[0].strip().lower()
    return ""


def _body_text(event: Mapping[str, Any]) -> str:
    """The body as text for the JSON limits (undecodable bytes replaced: only the structure counts)."""
    body = str(event.get("body") or "")
    if not event.get("isBase64Encoded"):
        return body
    try:
        return base64.b64decode(body, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        raise BadRequest("Body is not valid base64") from None


def _with_json_media_type(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """``event`` with an ``application/json`` Content-Type spelled in lower case, parameters kept
    (Powertools' body parser compares it case-sensitively); ``event`` itself for any other type."""
    if _content_type(event) != JSON_MEDIA_TYPE:
        return event

    def lowered(key: str, value: Any) -> Any:
        if key.lower() != "content-type" or not isinstance(value, str):
            return value
        return JSON_MEDIA_TYPE + value.strip()[len(JSON_MEDIA_TYPE) :]

    headers = {key: lowered(key, value) for key, value in (event.get("headers") or {}).items()}
    multi = {key: [lowered(key, v) for v in values] for key, values in (event.get("multiValueHeaders") or {}).items()}
    return {**event, "headers": headers, "multiValueHeaders": multi}


def _path_pattern(openapi_path: str) -> re.Pattern[str]:
    """``/leads/{id}`` -> a regex matching ``/leads/<one segment>``."""
    return re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(openapi_path)))


def precheck(event: Mapping[str, Any], max_body_bytes: int) -> DomainError | None:
    """Checks that must happen before anything parses a body: its size, its Content-Type (application/json,
    any case, parameters allowed; required with a body) and the JSON limits of ``tandem.shared.json_edge``
    (nesting depth, number length), so no parser ever meets a body that makes it fail with a 500."""
    if not event.get("body"):
        return None
    if _body_size(event) > max_body_bytes:
        return PayloadTooLarge(
            f"The request body must not exceed {max_body_bytes // 1024} KiB", details={"max_bytes": max_body_bytes}
        )
    media_type = _content_type(event)
    if media_type != JSON_MEDIA_TYPE:
        missing = "Content-Type is missing: send the body as application/json"
        return UnsupportedMediaType(None if media_type else missing, details={"content_type": media_type[:100]})
    try:
        return json_limit_error(_body_text(event))
    except BadRequest as undecodable:
        return undecodable


class TandemRestResolver(APIGatewayRestResolver):
    """``APIGatewayRestResolver(enable_validation=True)`` with Tandem's edge rules."""

    def __init__(
        self,
        *,
        logger: Any = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        allowed_origins: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        self._route_groups: dict[tuple[str, str], tuple[frozenset[str], ...]] = {}
        self._route_patterns: dict[tuple[str, str], re.Pattern[str]] = {}
        super().__init__(enable_validation=True, cors=cors.cors_config(allowed_origins), **kwargs)
        self.max_body_bytes = max_body_bytes
        self.log = logger or log
        self._install_handlers()

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        # Every answer, whichever path below produced it, gets exactly the CORS headers its origin may have.
        return cors.apply(self._resolve_edge(event, context), event, self._cors)

    def _resolve_edge(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        refused = precheck(event, self.max_body_bytes)
        if refused is not None:
            # A protected route answers 401/403 first: a caller without permission learns no input rules.
            refused = self._precheck_denied(event) or refused
            return {
                "statusCode": http_status(refused),
                "headers": {"Content-Type": content_types.APPLICATION_JSON},
                "body": json.dumps(body_for(refused)),
                "isBase64Encoded": False,
            }
        return super().resolve(_with_json_media_type(event), context)

    def route(self, *args: Any, **kwargs: Any) -> Any:
        """Register a route and note its groups (``get``/``post``/``include_router`` all come here,
        passing arguments by position or by name, so they are bound against Powertools' signature).

        The OpenAPI operation is completed when the handler is known: its operationId is the handler's
        name in camelCase (``place_order`` -> ``placeOrder``), its description the handler's docstring
        plus who may call it, and its responses gain the success entry (schema from the return
        annotation), 401/403 for a protected route and 503 (see ``documented_responses``).
        """
        arguments = _ROUTE_SIGNATURE.bind(self, *args, **kwargs).arguments
        arguments.pop("self")
        groups = [m.required_groups for m in arguments.get("middlewares") or [] if hasattr(m, "required_groups")]
        if groups:
            # Powertools ignores a trailing "/" (so must we), but its root route is "/", not "".
            path = _RULE_PARAMETER.sub(r"{\1}", arguments["rule"].rstrip("/")) or "/"
            method = arguments["method"]
            for verb in (method,) if isinstance(method, str) else method:
                self._route_groups[(verb.upper(), path)] = tuple(groups)
                self._route_patterns[(verb.upper(), path)] = _path_pattern(path)

        def register(handler: Handler) -> Handler:
            documented = dict(arguments)
            documented["operation_id"] = arguments.get("operation_id") or _camel(handler.__name__)
            documented["description"] = _description(arguments.get("description") or inspect.getdoc(handler), groups)
            documented["responses"] = documented_responses(
                arguments.get("responses"), arguments.get("status_code", 200), groups, arguments["method"]
            )
            return super(TandemRestResolver, self).route(**documented)(handler)

        return register

    def get_openapi_json_schema(self, **kwargs: Any) -> str:
        """Powertools' document without its FastAPI-style 422 (this API answers every error as
        ``ErrorResponse``): kept as ``ErrorResponse`` where the operation takes input, dropped elsewhere."""
        document = json.loads(super().get_openapi_json_schema(**kwargs))
        for item in document.get("paths", {}).values():
            for operation in item.values():
                invalid = operation.get("responses", {}).get("422")
                if invalid is not None and _ERROR_REF not in json.dumps(invalid):
                    if operation.get("parameters") or operation.get("requestBody"):
                        operation["responses"]["422"] = _error_entry(422)
                    else:
                        del operation["responses"]["422"]
                operation["responses"] = dict(sorted(operation["responses"].items()))
        schemas = document.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
            if unused in schemas and f"#/components/schemas/{unused}" not in json.dumps(document["paths"]):
                del schemas[unused]
        return json.dumps(document, indent=2)

    def _precheck_denied(self, event: Mapping[str, Any]) -> DomainError | None:
        """The 401/403 for the protected route ``event`` would reach, found without Powertools (which
        would parse the body): by method, then the path against each protected route's pattern."""
        method, path = str(event.get("httpMethod") or "").upper(), str(event.get("path") or "").rstrip("/") or "/"
        for key, pattern in self._route_patterns.items():
            if key[0] == method and pattern.fullmatch(path):
                try:
                    for allowed in self._route_groups[key]:
                        authorize(event, allowed)
                except DomainError as denied:
                    return denied
                return None
        return None

    def required_groups(self, method: str, path: str) -> tuple[frozenset[str], ...]:
        """The group checks of route ``method path`` (OpenAPI form, ``/leads/{id}``); empty if public."""
        return self._route_groups.get((method.upper(), path), ())

    def _denied(self) -> Response | None:
        """The 401/403 for the matched route, if the caller may not use it (``app.request`` is public API)."""
        request = self.request
        try:
            for allowed in self.required_groups(request.method, request.route):
                authorize(self.current_event.raw_event, allowed)
        except DomainError as denied:
            return error_response(denied)
        return None

    def _install_handlers(self) -> None:
        @self.exception_handler(RequestValidationError)
        def _invalid(exc: RequestValidationError) -> Response:
            denied = self._denied()
            if denied is not None:
                return denied
            if any(e.get("type") == "json_invalid" for e in exc.errors()):
                return error_response(BadRequest("Body is not valid JSON"))
            return error_response(ValidationFailed(details=field_errors(exc.errors())))

        # A body-less request with a non-JSON content type passes precheck and reaches Powertools' body
        # parser, which refuses the type with its own exception (otherwise a 500).
        @self.exception_handler(RequestUnsupportedContentType)
        def _unsupported_type(exc: RequestUnsupportedContentType) -> Response:
            denied = self._denied()
            if denied is not None:
                return denied
            return error_response(
                UnsupportedMediaType(details={"content_type": _content_type(self.current_event.raw_event)[:100]})
            )

        @self.exception_handler(DomainError)
        def _domain(exc: DomainError) -> Response:
            return error_response(exc)

        @self.exception_handler(PersistenceError)
        def _unavailable(exc: PersistenceError) -> Response:
            self.log.warning("Storage unavailable, answering 503", exc_info=exc)
            return error_response(ServiceUnavailable())

        @self.exception_handler(UnicodeDecodeError)
        def _undecodable(exc: UnicodeDecodeError) -> Response:
            return error_response(BadRequest("Body is not valid JSON"))

        @self.not_found
        def _no_route(exc: NotFoundError) -> Response:
            return error_response(NotFound("No such route: check the method and path"))

        @self.exception_handler(Exception)
        def _unexpected(exc: Exception) -> Response:
            self.log.exception("Unhandled error")
            return _json_response(500, error_body(INTERNAL_ERROR_CODE, INTERNAL_ERROR_MESSAGE))


_ERROR_REF = "#/components/schemas/ErrorResponse"
_DESCRIPTIONS = {
    400: "Malformed body: not valid JSON, nested deeper than 32 levels or a number over 100 characters",
    401: "No valid token",
    403: "The token's groups do not allow this (details.required_groups)",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Body too large",
    415: "Body is not sent as Content-Type: application/json",
    422: "Invalid input; details lists each {field, message}",
    503: "Temporarily unavailable; retry after the Retry-After header's seconds",
}
Headers = dict[str, OpenAPIResponseHeader]
RETRY_AFTER: Headers = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
}
LOCATION: Headers = {"Location": {"description": "Path of the created resource", "schema": {"type": "string"}}}


def _error_entry(status: int, description: str | None = None) -> OpenAPIResponse:
    entry: OpenAPIResponse = {
        "description": description or _DESCRIPTIONS.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": _ERROR_REF}}},
    }
    if status == 503:
        entry["headers"] = RETRY_AFTER
    return entry


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` entries for the error statuses a route can return (all ``ErrorResponse``)."""
    entries: dict[int, OpenAPIResponse] = {}
    for status in statuses:
        entry: OpenAPIResponse = {
            "description": _DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"model": ErrorResponse}},
        }
        if status == 503:
            entry["headers"] = RETRY_AFTER
        entries[status] = entry
    return entries


def success(
    status: int, description: str, *, headers: Headers | None = None, media_type: str | None = None
) -> dict[int, OpenAPIResponse]:
    """The success entry of a route's ``responses``: JSON from the handler's return annotation, or a
    binary ``media_type`` (e.g. application/pdf)."""
    entry: OpenAPIResponse = {"description": description}
    if headers:
        entry["headers"] = headers
    if media_type:
        entry["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {status: entry}


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def documented_responses(
    responses: Mapping[int, OpenAPIResponse] | None,
    status_code: int,
    groups: list[frozenset[str]],
    method: str | Sequence[str] = "GET",
) -> dict[int, OpenAPIResponse]:
    """``responses`` with what every route has: a success entry (``status_code``, schema from the return
    annotation) unless one is given, 401 and 403 when the route needs a group, 400/413/415 (the edge's
    body checks, see ``precheck``) when its method carries a body, and 503."""
    completed = dict(responses or {})
    if BODY_METHODS.intersection(m.upper() for m in ((method,) if isinstance(method, str) else method)):
        for status, entry in error_responses(400, 413, 415).items():
            completed.setdefault(status, entry)
    if not any(200 <= int(code) < 300 for code in completed):
        completed[status_code] = {"description": "Success"}
    if groups:
        needed = " and ".join(" or ".join(sorted(g)) for g in groups)
        completed.update(error_responses(401))
        completed[403] = {
            **error_responses(403)[403],
            "description": f"The token is not in a group allowed here ({needed})",
        }
    completed.setdefault(503, error_responses(503)[503])
    return dict(sorted(completed.items(), key=lambda entry: int(entry[0])))


def _camel(name: str) -> str:
    head, *rest = name.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _description(text: str | None, groups: list[frozenset[str]]) -> str:
    who = (
        "Who may call: a token in group " + " and in group ".join(" or ".join(sorted(g)) for g in groups) + "."
        if groups
        else "Who may call: anyone (no token)."
    )
    return f"{text.strip()}\n\n{who}" if text else who


# The query parameters of every listing (one page shape: ``ItemsPage``).
PageLimit = Annotated[
    int,
    Query(ge=1, le=PAGE_LIMIT_MAX, description=f"Items per page, 1-{PAGE_LIMIT_MAX} (default {PAGE_LIMIT_DEFAULT})"),
]
NextToken = Annotated[str | None, Query(min_length=1, max_length=PAGE_TOKEN_MAX, description=NEXT_TOKEN_DESCRIPTION)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=request_keys.HEADER_NAME,
        # Documented here, checked by the use case (after the body) with its own code, invalid_idempotency_key.
        json_schema_extra={"minLength": 1, "maxLength": request_keys.KEY_MAX, "pattern": request_keys.KEY_PATTERN},
        description=(
            "Optional, 1-255 printable ASCII characters, unique per request you mean (e.g. a UUID). Retrying "
            "with the same key and body within 24 hours answers the first response again and changes nothing; "
            "the same key with another body is refused (422 idempotency_key_reused)."
        ),
    ),
]


API_OVERVIEW = f"""Tandem's HTTP API for web and mobile frontends: one document for every context.

**Authentication.** Send `Authorization: Bearer <ID token>` of the stack's Cognito user pool. The token's
`cognito:groups` decide what a caller may do (each operation says which groups it needs); the caller is the
token's `sub`, never an email. Locally (`make run`), `GET /_local/token?sub=<id>&groups=<g1,g2>` mints one.

**Errors.** Every 4xx and 5xx body is an `ErrorResponse`: `{{"error": {{"code", "message", "details"}}}}`. `code`
is stable and meant for programs, `message` for people; when the input is at fault (every 422) `details` lists
each `{{field, message}}`. A 503 says how many seconds to wait in `Retry-After`.

**Pages.** Every list answers `{{"items": [...], "next_token": "..."}}` (newest first unless said otherwise).
`limit` is 1-{PAGE_LIMIT_MAX} (default {PAGE_LIMIT_DEFAULT}); send `next_token` back as a query parameter for the
next page; it is absent or null on the last one, and a token this API did not issue is a 422.

**Retries.** Operations that create something accept an `Idempotency-Key` header: the same key with the same
body within 24 hours answers the first response again and changes nothing.

**Money.** Amounts are decimal strings with the currency's minor digits (`"119.00"`), never floats;
currencies are ISO 4217 codes; times are RFC 3339 (`date-time`), days ISO 8601 (`date`).
"""


def make_resolver(
    *,
    logger: Any = None,
    title: str = "Tandem API",
    version: str = "1.0.0",
    tags: Mapping[str, str] | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    allowed_origins: Sequence[str] | None = None,
) -> TandemRestResolver:
    """A resolver with Tandem's error handling and OpenAPI metadata: the shared overview, and a description
    for each tag its routes use (``{"orders": "Orders placed by customers and the sales team"}``).

    Browsers on ``allowed_origins`` may call it (CORS, see ``tandem.shared.cors``); by default the origins
    are read here, once, from ``ALLOWED_ORIGINS`` (the template's ``AllowedOrigins``)."""
    origins = (
        cors.origins_from_environment() if allowed_origins is None else cors.parse_origins(",".join(allowed_origins))
    )
    app = TandemRestResolver(logger=logger, max_body_bytes=max_body_bytes, allowed_origins=origins)
    declared: list[Tag | str] = [Tag(name=name, description=text) for name, text in (tags or {}).items()]
    app.configure_openapi(title=title, version=version, description=API_OVERVIEW, tags=declared or None)
    return app
