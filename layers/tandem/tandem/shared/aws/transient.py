"""Which AWS failures (SES, S3, Step Functions, ...) are "not now" and which are for good.

Transient: throttling, a 429 or 5xx, a timeout or a dropped connection. They become exactly
``tandem.shared.errors.ServiceUnavailable``: by that class name the state machine retries a saga task,
Lambda retries an event consumer, and the API answers 503 + Retry-After. Anything else (access denied,
a rejected message, a missing bucket, a malformed request) is permanent and propagates as it is: a
logged failure, because retrying the same request cannot help. DynamoDB has its own, finer rules in
``tandem.shared.aws.dynamo.storage_errors``.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.errors import ServiceUnavailable

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "SlowDown",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "RequestTimeout",
    }
)


def is_transient(exc: Exception) -> bool:
    """True for throttling, 429/5xx, timeouts and connection failures."""
    if isinstance(exc, ClientError):
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return status >= 500 or status == 429 or exc.response.get("Error", {}).get("Code") in THROTTLING_CODES
    # botocore's ConnectionError covers connect/read timeouts and dropped connections; other
    # BotoCoreErrors (parameter validation, missing credentials) are bugs, not weather.
    return isinstance(exc, TRANSIENT_TRANSPORT_ERRORS)


def unavailable(service: str, exc: Exception) -> ServiceUnavailable:
    """The exact ``ServiceUnavailable`` class (a subclass would carry another name into Step Functions)."""
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    return ServiceUnavailable(details={"service": service, "code": str(code)[:64]})
