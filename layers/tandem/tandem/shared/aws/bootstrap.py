"""The one cache of boto3 clients every handler and adapter uses.

Clients are built on first use and cached per (service, region), so importing a handler
creates nothing and tests can set the environment, start moto, or stub a client first.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

# Fail fast and retry a little: botocore's default 60 s timeouts outlast the relay's 10 s Lambda timeout.
# Fail fast enough to fit a Lambda timeout: at worst 3 attempts x (1 s connect + 3 s read) = 12 s.
CONFIG = Config(connect_timeout=1, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 3})


def region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


@lru_cache(maxsize=16)
def _client(service: str, region_name: str | None) -> Any:
    return boto3.client(service, region_name=region_name, config=CONFIG)  # type: ignore[call-overload]


def client(service: str) -> Any:
    """The cached low-level boto3 client for ``service`` in this function's region."""
    return _client(service, region())


def reset() -> None:
    """Forget cached clients (tests that start a fresh moto)."""
    _client.cache_clear()
