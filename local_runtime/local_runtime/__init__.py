"""Docker-free local runtime for AWS SAM applications, on moto.

Knows SAM, CloudFormation and AWS APIs, nothing about the application it runs.
"""

from __future__ import annotations

from local_runtime.app import LocalRuntime
from local_runtime.clock import Clock
from local_runtime.lambdas import FunctionSpec, InvocationResult, LambdaHost

__all__ = ["Clock", "FunctionSpec", "InvocationResult", "LambdaHost", "LocalRuntime"]
