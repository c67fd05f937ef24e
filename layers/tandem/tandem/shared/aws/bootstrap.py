"""The one cache of boto3 clients every handler and adapter uses.

Clients are built on first use and cached per (service, region), so importing a handler
creates nothing and tests can set the environment, start moto, or stub a client first.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import boto3
from botocore.config import Config

# Fail fast and retry a little: botocore's default 60 s timeouts outlast the relay's 10 s Lambda timeout.
# Fail fast enough to fit a Lambda timeout: at worst 3 attempts x (1 s connect + 3 s read) = 12 s.
CONFIG = Config(connect_timeout=1, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 3})


def region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


@lru_cache(maxsize=16)
def _client(service: str, region_name: str | None) -> Any:
    return boto3.client(service, region_name=region_name, config=CONFIG)


def client(service: str) -> Any:
    """The cached low-level boto3 client for ``service`` in this function's region."""
    return _client(service, region())


T = TypeVar("T")


def per_environment(*names: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Build a context's service once per value of the environment variables ``names`` it reads.

    On Lambda the environment never changes, so this is built once per execution environment. Locally
    and in tests, several functions (each with its own variables) and several stacks share one process
    and one import of the layer: a plain ``@cache`` would give every function the first one's table.
    Name every variable the builder reads.
    """

    def decorate(build: Callable[[], T]) -> Callable[[], T]:
        built: dict[tuple[str | None, ...], T] = {}
        lock = threading.Lock()

        @functools.wraps(build)
        def cached() -> T:
            key = tuple(os.environ.get(name) for name in names)
            found = built.get(key)
            if found is None:
                with lock:
                    found = built.get(key)
                    if found is None:
                        found = built[key] = build()
            return found

        return cached

    return decorate


def reset() -> None:
    """Forget cached clients (tests that start a fresh moto)."""
    _client.cache_clear()
