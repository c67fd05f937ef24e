"""Lazy wiring of AWS clients and the shared adapters (the relay) from the environment.

Clients are built on first use and cached per (service, region), so importing a handler
creates nothing and tests can set the environment, start moto, or stub a client first.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import boto3

from tandem.shared.relay import OutboxRelay


def region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


@lru_cache(maxsize=16)
def _client(service: str, region_name: str | None) -> Any:
    return boto3.client(service, region_name=region_name)  # type: ignore[call-overload]


def client(service: str) -> Any:
    """The cached low-level boto3 client for ``service`` in this function's region."""
    return _client(service, region())


def relay(logger: Any = None) -> OutboxRelay:
    """The outbox relay publishing to ``EVENT_BUS_NAME``, parking poison in ``POISON_QUEUE_URL``."""
    poison_queue_url = os.environ.get("POISON_QUEUE_URL") or None
    return OutboxRelay(os.environ["EVENT_BUS_NAME"], client("events"), poison_queue_url=poison_queue_url,
                       sqs_client=client("sqs") if poison_queue_url else None, logger=logger)


def reset() -> None:
    """Forget cached clients (tests that start a fresh moto)."""
    _client.cache_clear()
