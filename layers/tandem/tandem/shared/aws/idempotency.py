"""Idempotent event consumers: handle each ``metadata.event_id`` once.

EventBridge and the relay deliver at least once, so a consumer may see an event twice.
Powertools idempotency records the event id in IDEMPOTENCY_TABLE when the handler
SUCCEEDS and returns the stored result for a repeat; when the handler raises, the
in-progress record is deleted, so Lambda's retry does the work again.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

# Read routes and idempotent redeliveries legitimately emit no metric; Powertools warns on every such
# invocation, which buries real warnings in the logs.
warnings.filterwarnings("ignore", message="No application metrics to publish")

EVENTBRIDGE_EVENT_ID = "detail.metadata.event_id"
# Longer than every redelivery window: rule retries (24 h) plus async retries (6 h).
DEFAULT_EXPIRY_SECONDS = 3 * 24 * 3600

Handler = Callable[[dict[str, Any], Any], Any]


def idempotent_consumer(
    *,
    key_path: str = EVENTBRIDGE_EVENT_ID,
    table_env: str = "IDEMPOTENCY_TABLE",
    expires_after_seconds: int = DEFAULT_EXPIRY_SECONDS,
    boto3_client: Any = None,
) -> Callable[[Handler], Handler]:
    """Decorate a ``lambda_handler`` so it runs once per event id.

    The persistence layer is built on first call (not at import) from ``table_env``, so
    tests and the local runtime can set the environment first; it is rebuilt if the table
    name changes.
    """
    config = IdempotencyConfig(
        event_key_jmespath=key_path, raise_on_no_idempotency_key=True, expires_after_seconds=expires_after_seconds
    )

    def decorate(handler: Handler) -> Handler:
        built: dict[str, Handler] = {}

        @functools.wraps(handler)
        def wrapper(event: dict[str, Any], context: Any) -> Any:
            table = os.environ[table_env]
            if table not in built:
                store = DynamoDBPersistenceLayer(table_name=table, boto3_client=boto3_client)
                built[table] = idempotent(persistence_store=store, config=config)(handler)
            return built[table](event, context)

        return wrapper

    return decorate
