"""Tandem's error vocabulary and the ONE table that maps it to HTTP.

Domain and service code raise these; only the edge (``tandem.shared.http``) turns them
into responses, so a rule never knows it is being served over HTTP. The class name is
also what a Step Functions ``Catch`` would match on.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request we understood but must refuse; carries a stable ``code`` for clients."""

    code = "unprocessable"
    message = "The request cannot be processed"

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.details = details if details is not None else {}
        super().__init__(self.message)


class BadRequest(DomainError):
    code = "bad_request"
    message = "The request is malformed"


class Unauthorized(DomainError):
    code = "unauthorized"
    message = "Sign in first: send a valid token as Authorization: Bearer <token>"


class Forbidden(DomainError):
    code = "forbidden"
    message = "Your token does not allow this request"


class NotFound(DomainError):
    code = "not_found"
    message = "Not found"


class Conflict(DomainError):
    code = "conflict"
    message = "The request conflicts with the current state"


class ValidationFailed(DomainError):
    code = "validation_failed"
    message = "Some fields are invalid"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    message = "The request body is too large"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    message = "Send the body as application/json"


class ServiceUnavailable(DomainError):
    """A dependency (DynamoDB throttling, a service error) failed for now; the same request may succeed later.

    Not the caller's fault and not a bug: the edge answers 503 with ``Retry-After``.
    """

    code = "service_unavailable"
    message = "We are busy right now. Please retry in a few seconds."
    retry_after_seconds = 2


class ConditionFailed(Conflict):
    """A condition in the transaction did not hold; ``label`` says which item."""

    code = "condition_failed"

    def __init__(self, label: str, old_item: dict[str, Any] | None = None) -> None:
        super().__init__(f"Condition on {label} failed", details={"item": label})
        self.label = label
        self.old_item = old_item


class TransactionConflict(Conflict):
    """Another transaction touched the same items at the same moment; retrying is safe."""

    code = "transaction_conflict"
    message = "Someone else changed this at the same time. Please retry."


class PersistenceError(Exception):
    """The store refused for a reason that is not a business condition (throttling, a service error).

    Deliberately not a DomainError: its message is technical and stays in the logs; the edge answers
    ``ServiceUnavailable`` (503) instead.
    """


# DynamoDB error codes that mean "not now" (throttling, a service-side fault): only these become a
# PersistenceError (503 + Retry-After). Anything else (ValidationException, AccessDeniedException,
# ResourceNotFoundException, ...) is a bug or a misconfiguration: retrying cannot help, so it must
# surface as a logged 500 instead of inviting clients to retry forever.
TRANSIENT_STORE_ERRORS = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
# The same, as reason codes inside a TransactionCanceledException.
TRANSIENT_CANCELLATION_REASONS = frozenset(
    {"ProvisionedThroughputExceeded", "ThrottlingError", "RequestLimitExceeded", "InternalServerError"}
)


def is_transient_store_error(code: str | None) -> bool:
    return code in TRANSIENT_STORE_ERRORS


# The one place an error class becomes an HTTP status. Lookup walks the MRO, so a
# context's ``LeadNotFound(NotFound)`` is a 404 without being listed here.
HTTP_STATUS: dict[type[DomainError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    ValidationFailed: 422,
    ServiceUnavailable: 503,
    DomainError: 422,
}

INTERNAL_ERROR_CODE = "internal_error"
INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again later."


def http_status(error: DomainError) -> int:
    """Status for ``error``: the nearest class in ``HTTP_STATUS`` along its MRO."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 422  # pragma: no cover - DomainError itself is in the table


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The JSON error shape every Tandem API returns (the template's gateway responses too)."""
    return {"error": {"code": code, "message": message, "details": details if details is not None else {}}}


def body_for(error: DomainError) -> dict[str, Any]:
    return error_body(error.code, error.message, error.details)


class InvalidPageToken(ValidationFailed):
    """A ``next_token`` we did not issue (or issued for another listing): a 422, never a DynamoDB error."""

    code = "invalid_page_token"
    message = "next_token is not one this API issued"

    def __init__(self) -> None:
        super().__init__(details=[{"field": "next_token", "message": "is not valid"}])


_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def field_errors(errors: Any) -> list[dict[str, str]]:
    """Pydantic/Powertools errors -> ``[{"field": "email", "message": "..."}]`` (no input echoed).

    Pure, so code that validates a task's or a webhook's input uses it without loading the API edge.
    """
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if len(loc) > 1 and loc[0] in _LOCATIONS:
            loc = loc[1:]
        details.append({"field": ".".join(loc) or "body", "message": str(error.get("msg", "is invalid"))})
    return details
