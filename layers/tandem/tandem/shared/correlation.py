"""Correlation and causation ids: where they come from and how they travel.

``correlation_id`` is fixed by the first request (the caller's ``X-Correlation-Id`` header
or API Gateway's request id) and copied into every event that follows; ``causation_id`` is
the id of the request or event that directly caused the next event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from tandem.shared.clock import new_id

CORRELATION_HEADER = "x-correlation-id"
# Accept only ids that are safe to log and echo: a caller must not inject log lines.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


class _Logger(Protocol):
    def set_correlation_id(self, value: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class MessageContext:
    correlation_id: str
    causation_id: str

    @classmethod
    def fresh(cls) -> MessageContext:
        """For work nobody asked for over HTTP (a schedule): a new id for both."""
        value = str(new_id())
        return cls(correlation_id=value, causation_id=value)


def _header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name and isinstance(value, str):
            return value.strip()
    return None


def from_http(event: Mapping[str, Any]) -> MessageContext:
    """Context of an API Gateway (REST, v1) proxy event."""
    request_id = str((event.get("requestContext") or {}).get("requestId") or new_id())
    supplied = _header(event.get("headers"), CORRELATION_HEADER)
    correlation_id = supplied if supplied and _SAFE_ID.match(supplied) else request_id
    return MessageContext(correlation_id=correlation_id, causation_id=request_id)


def from_event(metadata: Any) -> MessageContext:
    """Context for the events a consumer emits while handling ``metadata``'s event."""
    return MessageContext(correlation_id=metadata.correlation_id, causation_id=str(metadata.event_id))


def from_saga(correlation_id: str, execution_id: str | None, fallback: str) -> MessageContext:
    """Context of a Step Functions task: ``correlation_id``, caused by the execution (else ``fallback``).

    An execution ARN may exceed the envelope's 128 characters; its tail is the unique execution name,
    so the LAST 128 characters are kept.
    """
    return MessageContext(correlation_id=correlation_id, causation_id=(execution_id or fallback)[-128:])


def bind(logger: _Logger, context: MessageContext) -> MessageContext:
    """Put the correlation id on every log line of this invocation."""
    logger.set_correlation_id(context.correlation_id)
    return context
