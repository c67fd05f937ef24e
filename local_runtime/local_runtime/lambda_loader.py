"""Execution environments of Lambda functions: handler modules imported by path, each under a unique name
and its function's environment, one import per environment, hot-reloaded (with their layers) when files change.

Why by path: two functions may both have an ``app.py``; importing each from its file under
``_local_runtime_fn_<LogicalId>`` keeps them apart. Layers go on ``sys.path`` like /opt/python.
Why one import per environment: on Lambda an environment serves one invocation at a time, so handler code
may keep per-request state in module globals (Powertools' resolver keeps the current event on itself);
concurrent invocations of one function get their own environment, ``_local_runtime_fn_<LogicalId>__<n>``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from local_runtime import environ, powertools_metrics
from local_runtime.lambda_logs import install_tee
from local_runtime.lambda_model import FunctionSpec

MODULE_PREFIX = "_local_runtime_fn_"
_added_paths: set[str] = set()  # layer roots this process put on sys.path


def _py_files_mtime(directory: Path) -> float:
    latest = 0.0
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git") and not d.endswith(".egg-info")]
        for f in files:
            if f.endswith(".py"):
                try:
                    latest = max(latest, os.stat(os.path.join(root, f)).st_mtime)
                except OSError:
                    pass
    return latest


def _drop_modules_under(prefix: str) -> None:
    for mod_name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if f and str(f).startswith(prefix):
            del sys.modules[mod_name]


def forget_previous_layers() -> None:
    """A new host must not import a previous runtime's layer copies: drop their paths/modules."""
    for path in list(_added_paths):
        while path in sys.path:
            sys.path.remove(path)
        _drop_modules_under(path + os.sep)
    # list(): one atomic copy, as a previous runtime's warm-up thread may still be importing.
    for mod_name in [m for m in list(sys.modules) if m.startswith(MODULE_PREFIX)]:
        sys.modules.pop(mod_name, None)
    _added_paths.clear()
    importlib.invalidate_caches()


@dataclass
class Environment:
    """One execution environment of a function: its own import of the handler module, and what that import
    created (a Powertools resolver, clients, caches kept in module globals, its Powertools metrics state)."""

    module: ModuleType
    metrics: powertools_metrics.FunctionMetrics  # Powertools metrics state of this import
    index: int  # 0 is the first of its generation: what ``load`` (``module_for``) returns
    generation: int  # a hot reload starts a new generation; older environments are not reused


class _Pool:
    """A function's warm environments. Guarded by ``cond``; imports happen outside it, one at a time."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.idle: list[Environment] = []
        self.size = 0  # environments of this generation, idle or serving
        self.first: Environment | None = None
        self.generation = 0
        self.mtime = 0.0  # of the handler file this generation imported
        self.importing = False  # one import at a time per function: a freed environment may serve sooner

    def reset(self, logical_id: str) -> None:
        """A new generation (hot reload): environments serving now are dropped when they finish."""
        with self.cond:
            self.generation += 1
            self.idle.clear()
            self.size, self.first = 0, None
            self.cond.notify_all()
        extra = module_name(logical_id, 1)[: -len("1")]
        for name in [m for m in list(sys.modules) if m.startswith(extra)]:
            sys.modules.pop(name, None)


def module_name(logical_id: str, index: int) -> str:
    """``sys.modules`` name of an environment's handler module (logical ids are alphanumeric)."""
    return MODULE_PREFIX + logical_id + (f"__{index}" if index else "")


class ModuleLoader:
    """Each function's execution environments, Lambda's concurrency model in one process.

    An environment serves one invocation at a time (``environment(spec)``); an invocation that finds none
    idle gets a new one, imported on demand and then kept warm, up to the function's reserved concurrency.
    A changed handler file (or layer) starts a new generation: environments are imported afresh.
    """

    RELOAD_CHECK_INTERVAL = 0.2  # seconds between file-system checks per function

    def __init__(self, environment: Callable[[str], dict[str, str]], *, hot_reload: bool = True) -> None:
        self._environment = environment  # logical id -> the function's full environment
        self._hot_reload = hot_reload  # False for built artifacts: they do not change, and walking them costs
        self._pools: dict[str, _Pool] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.RLock()  # imports (sys.path, sys.modules) and file checks, one at a time
        self._layer_mtimes: dict[Path, float] = {}
        forget_previous_layers()

    def loaded(self) -> set[str]:
        """Logical ids with at least one environment (their handler module imported)."""
        return {logical_id for logical_id, pool in list(self._pools.items()) if pool.size}

    def environments(self, logical_id: str) -> int:
        """How many environments a function has now (idle or serving)."""
        pool = self._pools.get(logical_id)
        return pool.size if pool is not None else 0

    def load(self, spec: FunctionSpec) -> ModuleType:
        """The handler module of a function's first environment (imported or hot-reloaded if need be).

        Sequential invocations run in that environment (the lowest idle one is always taken first), so
        what a test patches on this module applies to them; a concurrent invocation may get another one.
        """
        pool = self._pool(spec)
        self._check_reload(spec, pool)
        first = pool.first
        if first is None:
            with self.environment(spec) as env:
                first = pool.first or env
        return first.module

    @contextmanager
    def environment(self, spec: FunctionSpec) -> Iterator[Environment]:
        """An environment for one invocation, to itself until the block ends."""
        pool = self._pool(spec)
        self._check_reload(spec, pool)
        env = self._acquire(spec, pool)
        try:
            yield env
        finally:
            with pool.cond:
                if env.generation == pool.generation:
                    pool.idle.append(env)
                pool.cond.notify_all()

    def _pool(self, spec: FunctionSpec) -> _Pool:
        pool = self._pools.get(spec.logical_id)
        if pool is None:
            with self._lock:
                pool = self._pools.setdefault(spec.logical_id, _Pool())
        return pool

    def _acquire(self, spec: FunctionSpec, pool: _Pool) -> Environment:
        cap = None if spec.reserved_concurrency is None else max(1, spec.reserved_concurrency)
        with pool.cond:
            while True:
                if pool.idle:
                    env = min(pool.idle, key=lambda e: e.index)
                    pool.idle.remove(env)
                    return env
                if not pool.importing and (cap is None or pool.size < cap):
                    pool.importing = True
                    break
                pool.cond.wait()
        try:
            return self._new_environment(spec, pool)
        finally:
            with pool.cond:
                pool.importing = False
                pool.cond.notify_all()

    def _new_environment(self, spec: FunctionSpec, pool: _Pool) -> Environment:
        with self._lock:  # sys.path and sys.modules are the process's: one import at a time
            if self._hot_reload:
                self._check_layers(spec)
            path = self._handler_file(spec)
            mtime = path.stat().st_mtime
            if pool.size and mtime > pool.mtime:
                pool.reset(spec.logical_id)
            with pool.cond:
                index, generation = pool.size, pool.generation
            module, metrics = self._import(spec, path, module_name(spec.logical_id, index))
            env = Environment(module, metrics, index, generation)
            with pool.cond:
                pool.mtime = mtime
                pool.size += 1
                if index == 0:
                    pool.first = env
            return env

    def _check_reload(self, spec: FunctionSpec, pool: _Pool) -> None:
        """At most every RELOAD_CHECK_INTERVAL: a changed layer or handler file starts a new generation."""
        if not self._hot_reload or not pool.size:
            return
        now = time.monotonic()
        if now - self._checked.get(spec.logical_id, 0) < self.RELOAD_CHECK_INTERVAL:
            return
        with self._lock:
            self._checked[spec.logical_id] = now
            self._check_layers(spec)
            if pool.size and self._handler_file(spec).stat().st_mtime > pool.mtime:
                pool.reset(spec.logical_id)

    @staticmethod
    def _handler_file(spec: FunctionSpec) -> Path:
        path = spec.module_file
        if path is None:
            raise FileNotFoundError(f"{spec.logical_id} has no local code (CodeUri)")
        if not path.is_file():
            raise FileNotFoundError(f"handler file of {spec.logical_id} not found: {path}")
        return path

    def _import(
        self, spec: FunctionSpec, path: Path, module_name: str
    ) -> tuple[ModuleType, powertools_metrics.FunctionMetrics]:
        self._layer_sys_path(spec)
        mod_spec = importlib.util.spec_from_file_location(module_name, path)
        if mod_spec is None or mod_spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(mod_spec)
        code_dir = str(spec.code_dir)
        sys.path.insert(0, code_dir)
        sys.modules[module_name] = module
        # A logger made at import keeps the sys.stdout of that moment: it must be the tee, so that what the
        # handler logs lands in its invocation's buffer (a test runner may have swapped the tee out since).
        install_tee()
        try:
            with environ.overlay(self._environment(spec.logical_id)), powertools_metrics.importing() as metrics:
                mod_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            try:
                sys.path.remove(code_dir)
            except ValueError:
                pass
        return module, metrics

    def _check_layers(self, spec: FunctionSpec) -> None:
        """A changed layer: drop its modules from sys.modules and every loaded handler."""
        for layer in spec.layer_dirs:
            mtime = _py_files_mtime(layer)
            known = self._layer_mtimes.get(layer)
            if known is None:
                self._layer_mtimes[layer] = mtime
                continue
            if mtime > known:
                self._layer_mtimes[layer] = mtime
                _drop_modules_under(str(layer) + os.sep)
                for logical_id, pool in list(self._pools.items()):
                    pool.reset(logical_id)
                importlib.invalidate_caches()

    @staticmethod
    def _layer_sys_path(spec: FunctionSpec) -> None:
        # First on sys.path, as /opt/python is on Lambda: a layer's packages win over the process's own.
        for layer in reversed(spec.layer_dirs):
            root = layer_root(layer)
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
                _added_paths.add(str(root))


def layer_root(layer: Path) -> Path:
    """Where a layer's Python code is importable from: ``python/`` when it has one (/opt/python)."""
    return layer / "python" if (layer / "python").is_dir() else layer
