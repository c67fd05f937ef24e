"""Powertools ``Metrics`` state per function and per invocation, not per process.

Why: aws-lambda-powertools keeps the metric set, dimensions, metadata and default dimensions of
``Metrics`` in class-level dicts shared by every ``Metrics()`` in the process (each instance, and
its EMF provider, holds references to those very dicts and only mutates them in place). On AWS a
function instance is its own process running one invocation at a time; here many functions run
at once on threads, so one function's ``@log_metrics`` flush serialised and cleared metrics
another had added (and raised ``SchemaValidationError: Must contain at least one metric`` in the
other's handler), and with ``POWERTOOLS_METRICS_DISABLED`` (never flushed, never cleared) the
sets grew forever.

How (the ``environ`` pattern): ``install`` replaces the four class-level dicts, once, by proxies
that read and write the dicts of the active scope (a ContextVar), else the original class dicts:

- per function (one per import of its handler module): the default dimensions, so
  ``Metrics(...).set_default_dimensions(...)`` at import time applies to every invocation;
- per invocation: metric set, dimensions and metadata. The first invocation after an import
  takes over what the import left (as in a cold-started process); every later one starts with
  the dimensions set to the default dimensions and nothing else (what ``clear_metrics`` leaves).

Only patched when aws_lambda_powertools is importable, and only effective for ``Metrics``
created after ``install`` (the host installs before importing any handler module). Each private
Powertools detail relied on has a test in ``tests/test_powertools_metrics.py``.
"""

from __future__ import annotations

import contextvars
import importlib.util
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# Metrics class attribute -> the field of _Sets that holds it in a scope
PATCHED = {
    "_metrics": "metrics",
    "_dimensions": "dimensions",
    "_metadata": "metadata",
    "_default_dimensions": "defaults",
}
_installed = False
_install_lock = threading.Lock()


@dataclass
class _Sets:
    defaults: dict[str, Any]  # the function's, shared by its invocations
    metrics: dict[str, Any] = field(default_factory=dict)
    dimensions: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


_active: contextvars.ContextVar[_Sets | None] = contextvars.ContextVar("local_runtime_metrics", default=None)


class FunctionMetrics:
    """One function's Powertools metrics state: its default dimensions, what its import left."""

    def __init__(self) -> None:
        self.defaults: dict[str, Any] = {}
        self._left_by_import: _Sets | None = None
        self._lock = threading.Lock()

    def _next_sets(self) -> _Sets:
        with self._lock:
            sets, self._left_by_import = self._left_by_import, None
        if sets is None:
            dimensions = {k: v if isinstance(v, str) else str(v) for k, v in self.defaults.items()}
            sets = _Sets(self.defaults, dimensions=dimensions)
        return sets


class ScopedDict(MutableMapping[str, Any]):
    """A ``Metrics`` class-level dict: the active scope's dict, else the original one."""

    def __init__(self, name: str, original: dict[str, Any]) -> None:
        self.name = name  # field of _Sets
        self.original = original

    def _target(self) -> dict[str, Any]:
        sets = _active.get()
        return self.original if sets is None else getattr(sets, self.name)

    def __getitem__(self, key: str) -> Any:
        return self._target()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._target()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._target()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._target()))

    def __len__(self) -> int:
        return len(self._target())

    def __contains__(self, key: object) -> bool:
        return key in self._target()

    def clear(self) -> None:
        self._target().clear()

    def copy(self) -> dict[str, Any]:
        return dict(self._target())

    def __repr__(self) -> str:
        return f"ScopedDict({self._target()!r})"


def install() -> bool:
    """Patch ``Metrics`` (idempotent). False if Powertools is missing or no longer fits the patch."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        if importlib.util.find_spec("aws_lambda_powertools") is None:
            return False
        from aws_lambda_powertools.metrics.metrics import Metrics

        originals = {attr: Metrics.__dict__.get(attr) for attr in PATCHED}
        if not all(isinstance(d, (dict, ScopedDict)) for d in originals.values()):
            print(
                "local_runtime: Powertools Metrics keeps no class-level dicts any more; metrics state is "
                "left process-wide (see tests/test_powertools_metrics.py)",
                file=sys.stderr,
            )
            return False
        for attr, name in PATCHED.items():
            original = originals[attr]
            if isinstance(original, dict):
                setattr(Metrics, attr, ScopedDict(name, original))
        _installed = True
        return True


@contextmanager
def importing() -> Iterator[FunctionMetrics]:
    """Run a handler module's import in a new function scope (what it sets is that function's)."""
    function = FunctionMetrics()
    sets = _Sets(function.defaults)
    token = _active.set(sets)
    try:
        yield function
    finally:
        _active.reset(token)
        function._left_by_import = sets


@contextmanager
def invocation(function: FunctionMetrics) -> Iterator[None]:
    """Run one invocation with its own metric set, dimensions and metadata."""
    token = _active.set(function._next_sets())
    try:
        yield
    finally:
        _active.reset(token)
