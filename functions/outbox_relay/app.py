"""Publishes outbox items from the context tables' streams to the event bus."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from tandem.shared.aws import wiring
from tandem.shared.aws.relay import relay_stream_batch

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Return partial batch failures so Lambda retries from the first unpublished record."""
    response = relay_stream_batch(event, wiring.relay(logger=logger))
    logger.info(
        "Relayed outbox batch",
        extra={"records": len(event.get("Records", [])), "failed": len(response["batchItemFailures"])},
    )
    return response
