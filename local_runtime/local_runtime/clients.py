"""In-process boto3 clients of one runtime: ``clients("sqs")``, one client per service, built on first use.

Why a class-level session: building a boto3 session and its first clients loads botocore's service
models from disk (~150 ms for a handful of services); a session keeps them in its loader's cache, so
later clients of the same services cost ~20 ms. Tests start many runtimes in one process, so the
session is shared by every ``Clients`` (a class attribute, created once); each runtime still gets its
own clients, dropped by ``clear()`` when the runtime provisions or stops (their moto is gone).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar


class Clients:
    """``clients(service)``: a boto3 client in ``region`` (through moto while the mock is active)."""

    _session: ClassVar[Any] = None  # boto3.session.Session, shared: botocore's model cache survives runtimes
    _session_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, region: str) -> None:
        self.region = region
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
            with Clients._session_lock:
                if Clients._session is None:
                    import boto3

                    Clients._session = boto3.session.Session()
            client = self._clients[service] = Clients._session.client(service, region_name=self.region)
        return client

    def clear(self) -> None:
        """Forget the clients built so far (the next call builds new ones)."""
        self._clients.clear()
