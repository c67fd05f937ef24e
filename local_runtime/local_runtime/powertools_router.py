"""Powertools event handler's current event and Lambda context per invocation, not per process.

Why: ``ApiGatewayResolver.resolve`` stores the event it resolves and its context on the class ``BaseRouter``
(``BaseRouter.current_event = ...``, so that routers added with ``include_router`` see them), and every
resolver reads them back from there. On AWS an execution environment runs one invocation at a time; here
invocations run at once on threads, so even with one handler module per environment (``lambda_loader``) a
request could be routed, validated and answered against another request's event: measured, 200 concurrent
mixed GETs and POSTs to one function, a few POSTs answered 422 "body: Field required" (a GET's event).

How (the ``environ`` pattern): ``install`` puts a data descriptor reading a ContextVar in place of those two
class attributes, and gives ``BaseRouter`` a subclass of its own metaclass whose ``__setattr__`` writes that
ContextVar instead of replacing the descriptor. Each invocation runs on its own thread, so each sees the
event it resolves, as it would in its own process. Only patched when aws_lambda_powertools is importable;
the Powertools detail relied on has a test in ``tests/test_powertools_router.py``.
"""

from __future__ import annotations

import contextvars
import importlib.util
import sys
import threading
from typing import Any

SCOPED = ("current_event", "lambda_context")
_installed = False
_install_lock = threading.Lock()


class Scoped:
    """A class attribute whose value is the current context's (unset: AttributeError, as before)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.var: contextvars.ContextVar[Any] = contextvars.ContextVar(f"local_runtime_router_{name}")

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        try:
            return self.var.get()
        except LookupError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: object, value: Any) -> None:
        self.var.set(value)


def install() -> bool:
    """Patch ``BaseRouter`` (idempotent). False if Powertools is missing or no longer fits the patch."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        if importlib.util.find_spec("aws_lambda_powertools") is None:
            return False
        from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

        if any(not isinstance(BaseRouter.__dict__.get(name, Scoped(name)), Scoped) for name in SCOPED):
            print(
                "local_runtime: Powertools BaseRouter holds a current event of its own; it is left process-wide "
                "(see tests/test_powertools_router.py)",
                file=sys.stderr,
            )
            return False
        metaclass = type(BaseRouter)

        class ScopedAttributes(metaclass):  # type: ignore[valid-type,misc]
            def __setattr__(cls, name: str, value: Any) -> None:
                scoped = cls.__dict__.get(name)
                if isinstance(scoped, Scoped):
                    scoped.__set__(None, value)
                else:
                    super().__setattr__(name, value)

        for name in SCOPED:
            type.__setattr__(BaseRouter, name, Scoped(name))
        BaseRouter.__class__ = ScopedAttributes  # type: ignore[method-assign]
        _installed = True
        return True
