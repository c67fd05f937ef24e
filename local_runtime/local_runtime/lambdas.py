"""Lambda in-process: the names other modules import, from the modules that implement them.

- ``lambda_model``: FunctionSpec, InvocationResult, LambdaContext, error shapes
- ``lambda_host``: LambdaHost (registry, environment, synchronous invoke, Timeout)
- ``lambda_loader``: handler import by path, hot reload of handlers and layers
- ``lambda_async``: InvocationType=Event (retries on the clock, event age, destinations, DLQ)
- ``lambda_bridge``: moto's Lambda routed to the host
- ``lambda_logs``: per-invocation capture of stdout/stderr
"""

from __future__ import annotations

from local_runtime.lambda_bridge import install_moto_bridge, set_active_host
from local_runtime.lambda_host import LambdaHost
from local_runtime.lambda_model import FunctionSpec, InvocationResult, LambdaContext, error_payload

__all__ = [
    "FunctionSpec",
    "InvocationResult",
    "LambdaContext",
    "LambdaHost",
    "error_payload",
    "install_moto_bridge",
    "set_active_host",
]
