"""Run as ``python -I -S import_check.py HANDLER_MODULE PACKAGE PATH...`` in a fresh interpreter.

``sys.path`` is the standard library plus PATH... (a function's folder, its layers, the runtime's SDK), as on
Lambda. Imports the handler module and every module of PACKAGE, then finds every absolute import written
anywhere in those files — lazy imports inside functions included — and prints what cannot be found.
"""

import ast
import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path

handler_module, package, *paths = sys.argv[1:]
sys.path[:0] = paths
problems = []


def imported(name):
    try:
        return importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - every failure is a finding
        problems.append(f"import {name}: {type(error).__name__}: {error}")
        return None


handler = imported(handler_module)
root = imported(package)
files = [Path(handler.__file__)] if handler else []
if root is not None:
    files += sorted(Path(root.__path__[0]).rglob("*.py"))
    for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        imported(info.name)


def runtime_imports(tree):
    """Every import statement that can run: all but those under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


for path in files:
    for node in runtime_imports(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if importlib.util.find_spec(top) is None:
                problems.append(f"{path.name}:{node.lineno} imports {name}: No module named '{top}'")

print("\n".join(sorted(set(problems))))
sys.exit(1 if problems else 0)
