"""``RuntimeView``: the part of the runtime the HTTP side reads (``LocalRuntime`` satisfies it).

Why a protocol: the HTTP side (``http_server``, ``local_endpoints``) is started by ``LocalRuntime``
and reads its documented attributes; typing them with ``LocalRuntime`` itself would make the
runtime and its HTTP side import each other.
"""

from __future__ import annotations

from typing import Protocol

from local_runtime.clients import Clients
from local_runtime.clock import Clock
from local_runtime.eventbus import EventDelivery
from local_runtime.lambda_host import LambdaHost
from local_runtime.schedules import Scheduler
from local_runtime.template import Stack


class RuntimeView(Protocol):
    """Where the runtime serves, what it provisioned (None before ``provision()``) and its clients."""

    host: str
    port: int  # the HTTP server replaces 0 with the port it bound
    region: str
    account_id: str
    stack_name: str
    allow_remote_tokens: bool
    clock: Clock
    clients: Clients
    stack: Stack | None
    lambdas: LambdaHost | None
    schedules: Scheduler | None
    events: EventDelivery | None

    @property
    def url(self) -> str: ...
