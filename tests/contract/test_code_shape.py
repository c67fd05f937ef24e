"""The tree keeps the shape docs/architecture.md draws: same role files in every context, short use cases,
imports in one direction and without cycles (import-linter), types that check (mypy), one format (ruff).

Read with ``ast`` and the tools' own command lines; nothing of the business code is imported here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "tandem" / "tandem"
RUNTIME = ROOT / "local_runtime" / "local_runtime"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
BIN = Path(sys.executable).parent
MAX_USE_CASE_PARAMETERS = 4
USE_CASE_MODULES = re.compile(r"^(service|saga|inbound)(/.*)?\.py$")
# `Any` in function signatures (240 and 272 before issue 7): the count may fall, never rise. Issue 8 added 13
# in the layer, all JSON-shaped (stored items, idempotent replies, PDF cells), to be typed with the replies;
# issue 9 added 13 + 6 reading raw Lambda events and proxy answers at the edge (CORS, JSON limits, runtime);
# issue 11 (HR wiring) added 9 in hr/adapters/dynamodb.py, all stored items and raw Query requests.
ANY_IN_SIGNATURES = {LAYER: 217, RUNTIME: 234}

CONTEXTS = sorted(path.parent for path in LAYER.glob("**/bootstrap.py") if "shared" not in path.parts)


def _role_table() -> tuple[set[str], set[str]]:
    """(required, optional) role files from the first column of docs/architecture.md's table."""
    required, optional = set(), set()
    for line in ARCHITECTURE.read_text().splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|\s*([^|]*)\|", line)
        if match and match.group(1).endswith(".py"):
            (optional if match.group(2).strip().lower().startswith("optional") else required).add(match.group(1))
    return required, optional


def _context_id(context: Path) -> str:
    return str(context.relative_to(LAYER))


def test_the_role_table_names_the_files_every_context_must_have():
    required, optional = _role_table()
    assert {"domain/model.py", "ports.py", "service.py", "adapters/dynamodb.py", "bootstrap.py"} <= required
    assert {"inbound.py", "saga.py"} <= optional
    assert {
        "tandem/sales",
        "tandem/billing",
        "tandem/inventory",
        "tandem/ledger",
        "tandem/crm/leads",
        "tandem/crm/customers",
    } <= {f"tandem/{_context_id(c)}" for c in CONTEXTS}


@pytest.mark.parametrize("context", CONTEXTS, ids=_context_id)
def test_every_context_has_the_same_role_files_and_no_others(context: Path):
    required, optional = _role_table()
    for role in required:
        if "<" in role:
            continue  # a pattern row (domain/<topic>.py, adapters/<service>.py)
        package = context / role.removesuffix(".py") / "__init__.py"
        assert (context / role).is_file() or (role == "service.py" and package.is_file()), f"missing {role}"
    top_level = {p.name for p in context.iterdir() if p.suffix == ".py" and p.name != "__init__.py"}
    top_level |= {f"{p.name}.py" for p in context.iterdir() if (p / "__init__.py").is_file()} - {
        "domain.py",
        "adapters.py",
    }
    allowed = {role for role in required | optional if "/" not in role}
    assert top_level <= allowed, f"modules with no role in docs/architecture.md: {sorted(top_level - allowed)}"


@pytest.mark.parametrize("context", CONTEXTS, ids=_context_id)
def test_ports_hold_only_protocols(context: Path):
    tree = ast.parse((context / "ports.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = {ast.unparse(base) for base in node.bases}
            assert bases & {"Protocol", "typing.Protocol"}, f"{node.name} in ports.py is not a Protocol"
        else:
            # imports, the docstring, TYPE_CHECKING blocks and type aliases of the Protocols
            assert isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr, ast.If, ast.Assign, ast.AnnAssign)), (
                f"ports.py line {node.lineno} is not a Protocol"
            )


def _use_cases() -> list[tuple[str, int, str, int]]:
    found = []
    for path in sorted(LAYER.rglob("*.py")):
        context = next((c for c in CONTEXTS if c in path.parents), None)
        if context is None or not USE_CASE_MODULES.match(str(path.relative_to(context))):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                args = node.args
                names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
                found.append((str(path.relative_to(ROOT)), node.lineno, node.name, len(names)))
    return found


def test_no_use_case_takes_more_than_four_parameters():
    use_cases = _use_cases()
    assert len(use_cases) > 30
    long = [
        f"{path}:{line} {name} ({count})" for path, line, name, count in use_cases if count > MAX_USE_CASE_PARAMETERS
    ]
    assert not long, "a use case takes a command and a unit of work, not a dozen collaborators: " + ", ".join(long)


def _any_in_signatures(root: Path) -> int:
    count = 0
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
                annotations = [p.annotation for p in params if p is not None and p.annotation is not None]
                annotations += [node.returns] if node.returns is not None else []
                count += sum(1 for a in annotations if re.search(r"\bAny\b", ast.unparse(a)))
    return count


@pytest.mark.parametrize("root", list(ANY_IN_SIGNATURES), ids=lambda p: p.parent.name)
def test_no_new_any_in_signatures(root: Path):
    assert _any_in_signatures(root) <= ANY_IN_SIGNATURES[root]


def _run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_imports_keep_the_contracts_of_importlinter(tmp_path):
    # From outside the repository: there, `local_runtime` is the real package, not the project folder.
    done = _run(str(BIN / "lint-imports"), "--no-cache", str(ROOT / ".importlinter"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_finds_nothing_in_the_layer_and_the_runtime():
    done = _run(str(BIN / "mypy"), "-p", "tandem", "-p", "local_runtime")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_tree_is_formatted_by_ruff():
    done = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert done.returncode == 0, done.stdout[-3000:]
