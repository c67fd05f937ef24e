"""What `sam build` ships must run: the layer's list, the artifact built from it, and the flows on it.

The rest of the suite imports from `.venv`, where everything is installed, so a runtime dependency missing
from the layer's requirements (fpdf2 once was) would pass every other test and fail on Lambda.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from local_runtime.sam_build import (
    LAMBDA_UNZIPPED_LIMIT,
    Build,
    SamBuilder,
    canonical_name,
    check_limits,
    provided_sdk_dir,
    size_report,
)

from scripts import layer_requirements

ROOT = Path(__file__).resolve().parents[2]
IMPORT_CHECK = Path(__file__).with_name("import_check.py")
LAYER_PACKAGE = "tandem"
ELF_MACHINE_AARCH64 = 183


def _requirement_name(line: str) -> str:
    return canonical_name(line.split("[", 1)[0].split("==", 1)[0].strip())


def _listed(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_layer_lists_exactly_the_runtime_dependencies_with_their_tested_pins():
    direct = layer_requirements.runtime_dependencies()
    listed = _listed(layer_requirements.REQUIREMENTS.read_text())
    assert listed[: len(direct)] == direct, (
        "the layer's list must start with pyproject's dependencies (make requirements)"
    )
    tested = layer_requirements.pins()
    for line in listed:
        name, _, version = line.partition("==")
        assert tested.get(_requirement_name(name)) == version, f"{line} is not the pin constraints.txt tested"


def test_dev_only_packages_never_reach_the_layer():
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    listed = {_requirement_name(line) for line in _listed(layer_requirements.REQUIREMENTS.read_text())}
    assert listed.isdisjoint({_requirement_name(req) for req in dev})


@pytest.fixture(scope="module")
def host_build(tmp_path_factory) -> Build:
    """The application built for this interpreter from the layer's list alone, as `sam build` builds it."""
    return SamBuilder(ROOT / "template.yaml", tmp_path_factory.mktemp("build"), target="host", locked=True).build()


def _import_check(build: Build, function, sdk: Path) -> tuple[str, int, str]:
    paths = [str(function.path), *map(str, build.layer_roots(function)), str(sdk)]
    module = function.handler.rsplit(".", 1)[0]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "LAMBDA_TASK_ROOT": str(function.path),
    }
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(IMPORT_CHECK), module, LAYER_PACKAGE, *paths],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return function.logical_id, done.returncode, (done.stdout + done.stderr).strip()


def test_every_handler_and_layer_module_imports_with_only_what_ships(host_build, tmp_path):
    sdk = provided_sdk_dir(tmp_path / "var-runtime")
    functions = host_build.functions()
    assert len(functions) >= 20
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda f: _import_check(host_build, f, sdk), functions))
    failures = [f"{name}:\n{output}" for name, code, output in results if code != 0]
    assert not failures, "\n\n".join(failures)


def test_the_flows_pass_on_the_built_artifact(host_build):
    """The contact-form and order-to-cash end-to-end tests, on a runtime that loads the build: functions
    from their built folders, the layer from its built `python/`, imports limited to what ships."""
    env = {**os.environ, "TANDEM_E2E_BUILD_DIR": str(host_build.out_dir)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/e2e/test_contact_form.py",
            "tests/e2e/test_order_to_cash.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_the_artifact_builds_for_the_platform_the_template_declares(tmp_path):
    build = SamBuilder(ROOT / "template.yaml", tmp_path / "build", target="lambda", locked=True).build()
    layer = build.artifacts["TandemLayer"]
    core = next((layer.path / "python" / "pydantic_core").glob("_pydantic_core.cpython-313-*.so"))
    machine = int.from_bytes(core.read_bytes()[18:20], "little")  # ELF e_machine
    assert machine == ELF_MACHINE_AARCH64
    assert not check_limits(build)
    report = size_report(build)
    for function in build.functions():
        assert function.logical_id in report
        assert 0 < build.unzipped_size(function) < LAMBDA_UNZIPPED_LIMIT
    built = (build.template).read_text()
    assert "CodeUri: SalesApiFunction" in built and "ContentUri: TandemLayer" in built
