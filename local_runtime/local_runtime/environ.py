"""Per-invocation environment without swapping ``os.environ``.

Why: each Lambda function must see its own environment variables, but functions run
concurrently on threads (and Step Functions Map/Parallel branches too), so assigning to
``os.environ`` around a call is racy. We replace ``os.environ`` once with a proxy whose
reads and writes go to a ContextVar overlay when one is active, else to the real
environment. ``os.getenv`` reads ``os.environ`` so it follows automatically.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

_overlay: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("local_runtime_environ", default=None)


class EnvironProxy(MutableMapping[str, str]):
    """``os.environ`` replacement: the active overlay if any, else the process environment."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base

    def _target(self) -> MutableMapping[str, str]:
        ov = _overlay.get()
        return self.base if ov is None else ov

    def __getitem__(self, key: str) -> str:
        return self._target()[key]

    def __setitem__(self, key: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"str expected, not {type(value).__name__}")
        self._target()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._target()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._target()))

    def __len__(self) -> int:
        return len(self._target())

    def __contains__(self, key: object) -> bool:
        return key in self._target()

    def copy(self) -> dict[str, str]:
        return dict(self._target())

    def __repr__(self) -> str:
        return f"EnvironProxy({dict(self._target())!r})"

    def __or__(self, other: Mapping[str, str]) -> dict[str, str]:
        return {**self._target(), **other}


def install() -> EnvironProxy:
    """Replace ``os.environ`` by the proxy (idempotent)."""
    if isinstance(os.environ, EnvironProxy):
        return os.environ
    proxy = EnvironProxy(os.environ)
    os.environ = proxy  # type: ignore[assignment]  # noqa: B003 (a replacement, on purpose)
    return proxy


def base() -> MutableMapping[str, str]:
    """The real process environment, whatever overlay is active."""
    env: Any = os.environ
    return env.base if isinstance(env, EnvironProxy) else env


@contextmanager
def overlay(variables: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Run the block with ``os.environ`` = process environment + ``variables`` (a private copy)."""
    install()
    env = dict(base())
    env.update({k: str(v) for k, v in variables.items()})
    token = _overlay.set(env)
    try:
        yield env
    finally:
        _overlay.reset(token)
