"""Imports made by built code resolve only where Lambda would find them.

Why: handlers run in this process, whose ``sys.path`` also holds the runtime's own packages (moto, the
developer's virtual environment). On Lambda a function sees its own folder, its layers, the standard library
and the SDK the runtime provides, and nothing else; a package missing from the layer fails there with
``No module named ...``. While a guard is installed, an absolute import executed by a module whose file lies
under one of the guarded roots (the built functions and layers) must be found in those roots, the standard
library or ``PROVIDED_BY_PYTHON_RUNTIME``, or it raises that same ``ModuleNotFoundError`` — also for a module
another part of the process imported already, and for imports done lazily inside a function.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

from local_runtime.lambda_model import PROVIDED_BY_PYTHON_RUNTIME

_ALWAYS_THERE = (
    frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | frozenset(PROVIDED_BY_PYTHON_RUNTIME)
)


class ShippedImports:
    """A ``builtins.__import__`` wrapper for the modules under ``roots``; one installed at a time."""

    _installed: ShippedImports | None = None

    def __init__(self, roots: Iterable[Path], search_path: Sequence[Path]) -> None:
        self._roots = tuple(str(Path(r).resolve()) + "/" for r in roots)
        self._search = [str(Path(p).resolve()) for p in search_path]
        self._found: dict[str, bool] = {}
        self._lock = threading.Lock()
        self._original: Callable[..., ModuleType] = builtins.__import__

    def install(self) -> None:
        if ShippedImports._installed is not None:
            ShippedImports._installed.uninstall()
        self._original = builtins.__import__
        builtins.__import__ = self._import
        ShippedImports._installed = self

    def uninstall(self) -> None:
        if ShippedImports._installed is self:
            builtins.__import__ = self._original
            ShippedImports._installed = None

    def shipped(self, top_level: str) -> bool:
        """Whether a top-level module name is importable from what ships."""
        if top_level in _ALWAYS_THERE:
            return True
        found = self._found.get(top_level)
        if found is None:
            with self._lock:
                found = importlib.machinery.PathFinder.find_spec(top_level, self._search) is not None
                self._found[top_level] = found
        return found

    def _import(
        self,
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level == 0 and globals is not None:
            importer = globals.get("__file__")
            if isinstance(importer, str) and importer.startswith(self._roots):
                top_level = name.partition(".")[0]
                if not self.shipped(top_level):
                    raise ModuleNotFoundError(f"No module named '{top_level}'", name=top_level)
        return self._original(name, globals, locals, fromlist, level)
