"""Which AWS failures are "not now" (retry later) and which are for good, for SES and S3.

Transient: throttling, a 5xx, a timeout or a dropped connection. They become
``tandem.shared.errors.ServiceUnavailable`` (by that exact class name the state machine retries
them, and the API answers 503 + Retry-After). Anything else (a rejected message, access denied,
a missing bucket) is permanent: retrying the same request cannot help.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tandem.shared.aws.dynamo import TRANSIENT_TRANSPORT_ERRORS
from tandem.shared.errors import ServiceUnavailable

THROTTLING_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "SlowDown",
                              "RequestLimitExceeded", "ServiceUnavailable", "InternalError",
                              "InternalFailure", "RequestTimeout"})


def is_transient(exc: Exception) -> bool:
    """True for throttling, 5xx, timeouts and connection failures."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = exc.response.get("Error", {}).get("Code")
        return int(status) >= 500 or int(status) == 429 or code in THROTTLING_CODES
    # botocore's ConnectionError covers connect/read timeouts and dropped connections; other
    # BotoCoreErrors (parameter validation, missing credentials) are bugs, not weather.
    return isinstance(exc, TRANSIENT_TRANSPORT_ERRORS)


def unavailable(service: str, exc: Exception) -> ServiceUnavailable:
    """The exact ``ServiceUnavailable`` class (a subclass would carry another name into Step Functions)."""
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    return ServiceUnavailable(details={"service": service, "code": str(code)[:64]})
