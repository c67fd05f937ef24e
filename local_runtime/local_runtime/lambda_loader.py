"""Import handler modules by path, each under a unique name and its function's environment,
and hot-reload them (and their layers) when the files change.

Why by path: two functions may both have an ``app.py``; importing each from its file under
``_local_runtime_fn_<LogicalId>`` keeps them apart. Layers go on ``sys.path`` like /opt/python.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from local_runtime import environ, powertools_metrics
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
class _Loaded:
    module: ModuleType
    mtime: float
    metrics: powertools_metrics.FunctionMetrics  # Powertools metrics state of this import


class ModuleLoader:
    """Handler modules by logical id; ``load`` re-imports a module whose file (or layer) changed."""

    RELOAD_CHECK_INTERVAL = 0.2  # seconds between file-system checks per function

    def __init__(self, environment: Callable[[str], dict[str, str]], *, hot_reload: bool = True) -> None:
        self._environment = environment  # logical id -> the function's full environment
        self._hot_reload = hot_reload  # False for built artifacts: they do not change, and walking them costs
        self._loaded: dict[str, _Loaded] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.RLock()
        self._layer_mtimes: dict[Path, float] = {}
        forget_previous_layers()

    def loaded(self) -> set[str]:
        """Logical ids whose handler module is imported."""
        return set(self._loaded)

    def load(self, spec: FunctionSpec) -> ModuleType:
        """Import (or hot-reload) the handler module of a function, under its environment."""
        return self.load_with_metrics(spec)[0]

    def load_with_metrics(self, spec: FunctionSpec) -> tuple[ModuleType, powertools_metrics.FunctionMetrics]:
        """``load``, with the Powertools metrics state of that import (``powertools_metrics``)."""
        now = time.monotonic()
        loaded = self._loaded.get(spec.logical_id)
        if loaded is not None and (
            not self._hot_reload or now - self._checked.get(spec.logical_id, 0) < self.RELOAD_CHECK_INTERVAL
        ):
            return loaded.module, loaded.metrics
        with self._lock:  # invocations wait for an import already under way instead of repeating it
            self._checked[spec.logical_id] = now
            self._check_layers(spec)
            loaded = self._loaded.get(spec.logical_id)
            path = spec.module_file
            if path is None:
                raise FileNotFoundError(f"{spec.logical_id} has no local code (CodeUri)")
            try:
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                raise FileNotFoundError(f"handler file of {spec.logical_id} not found: {path}") from None
            if loaded is not None and loaded.mtime >= mtime:
                return loaded.module, loaded.metrics
            module, metrics = self._import(spec, path)
            self._loaded[spec.logical_id] = _Loaded(module, mtime, metrics)
            return module, metrics

    def _import(self, spec: FunctionSpec, path: Path) -> tuple[ModuleType, powertools_metrics.FunctionMetrics]:
        self._layer_sys_path(spec)
        module_name = MODULE_PREFIX + spec.logical_id
        mod_spec = importlib.util.spec_from_file_location(module_name, path)
        if mod_spec is None or mod_spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(mod_spec)
        code_dir = str(spec.code_dir)
        sys.path.insert(0, code_dir)
        sys.modules[module_name] = module
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
                self._loaded.clear()
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
