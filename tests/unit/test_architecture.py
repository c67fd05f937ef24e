"""Dependencies point inward: the domain stays pure and the Lambda handlers stay thin.

Read with ``ast`` (nothing is imported), so a forbidden import fails here even in code no test runs.
A domain module is checked together with every ``tandem.*`` module it imports, transitively: a
domain that imports an adapter that imports boto3 is as impure as one that imports boto3.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "tandem"
FORBIDDEN_IN_DOMAIN = ("boto3", "botocore", "aws_lambda_powertools")
MAX_HANDLER_LINES = 60

DOMAIN_MODULES = sorted(LAYER.glob("tandem/**/domain/**/*.py"))
HANDLERS = sorted(ROOT.glob("functions/*/app.py"))


def _imports(tree: ast.AST) -> set[str]:
    """Every module name a file imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that touch ``os.environ`` / ``os.getenv`` or import them from ``os``."""
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("environ", "getenv", "environb", "getenvb")
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        ):
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(a.name in ("environ", "getenv", "environb", "getenvb") for a in node.names)
        ):
            lines.append(node.lineno)
    return lines


def _source_of(module: str) -> Path | None:
    """The layer file of a ``tandem.*`` module, if there is one."""
    path = LAYER.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _closure(start: Path) -> dict[Path, ast.AST]:
    """``start`` and every layer module it reaches through ``tandem.*`` imports."""
    seen: dict[Path, ast.AST] = {}
    pending = [start]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in _imports(seen[path]):
            parts = name.split(".")
            if parts[0] != "tandem":
                continue
            # importing a.b.c also runs a/__init__.py and a/b/__init__.py
            sources = (_source_of(".".join(parts[:n])) for n in range(1, len(parts) + 1))
            pending.extend(source for source in sources if source is not None)
    return seen


def _forbidden(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in FORBIDDEN_IN_DOMAIN}


def test_there_is_domain_code_to_check():
    assert any(p.parent.name == "domain" for p in DOMAIN_MODULES)
    assert HANDLERS


@pytest.mark.parametrize("module", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(LAYER)))
def test_domain_imports_no_aws_sdk_or_powertools_not_even_indirectly(module):
    offenders = {
        str(path.relative_to(LAYER)): sorted(_forbidden(_imports(tree)))
        for path, tree in _closure(module).items()
        if _forbidden(_imports(tree))
    }
    assert offenders == {}


@pytest.mark.parametrize("module", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(LAYER)))
def test_domain_reads_no_environment(module):
    offenders = {
        str(path.relative_to(LAYER)): _reads_environment(tree)
        for path, tree in _closure(module).items()
        if _reads_environment(tree)
    }
    assert offenders == {}


def _code_lines(path: Path) -> int:
    """Lines of code outside decorators and docstrings. A route's decorator is its API contract (path,
    groups, responses), one argument a line once formatted, and a route's docstring is its description in
    the OpenAPI document: declaration, not logic, and counting them would push handlers back into dense
    one-liners and terse docs, the opposite of what the cap is for."""
    text = path.read_text(encoding="utf-8")
    functions = [n for n in ast.walk(ast.parse(text)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    declared = {
        line
        for node in functions
        for decorator in node.decorator_list
        for line in range(decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1)
    }
    declared |= {
        line
        for node in functions
        if ast.get_docstring(node) is not None
        for line in range(node.body[0].lineno, (node.body[0].end_lineno or node.body[0].lineno) + 1)
    }
    return sum(
        1
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.strip().startswith("#") and number not in declared
    )


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.parent.name)
def test_handlers_stay_thin_and_leave_aws_clients_to_the_adapters(handler):
    tree = ast.parse(handler.read_text(encoding="utf-8"))
    assert _code_lines(handler) <= MAX_HANDLER_LINES
    assert {n for n in _imports(tree) if n.split(".")[0] in ("boto3", "botocore")} == set()
