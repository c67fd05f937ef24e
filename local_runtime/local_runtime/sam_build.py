"""``python -m local_runtime.sam_build``: build a SAM application as ``sam build`` does, with no Docker.

Why: the code that runs locally imports from the developer's virtual environment, where every package is
installed; what deploys is only each function's folder, its layers and the Lambda runtime's own SDK. This
builds that artifact — one folder per function and per layer plus a ``template.yaml`` that points at them,
the layout ``sam build`` writes to ``.aws-sam/build`` — with pip installing for the platform the template
declares (``Runtime`` and ``Architectures``), so a dependency with no wheel for Lambda fails here and not at
deploy time. ``--target host`` builds for this interpreter instead, so the artifact can be imported and run
here (``python -m local_runtime --build-dir``).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from local_runtime.lambda_model import PROVIDED_BY_PYTHON_RUNTIME

LAMBDA_UNZIPPED_LIMIT = 262_144_000  # bytes: 250 MB for a function and all its layers, unzipped
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", ".mypy_cache")
# Lambda's Python runtimes from 3.12 on run on Amazon Linux 2023 (glibc 2.34), older ones on Amazon Linux 2
# (glibc 2.26). pip before 24 does not widen a manylinux tag to the older ones, so every compatible tag is
# named: some wheels exist only for manylinux_2_28 (Pillow 13 on arm64), some only for manylinux2014.
_AL2023_FIRST = (3, 12)
_MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}


@dataclass(frozen=True)
class Platform:
    """Where built code runs: a Lambda Python runtime on an architecture, or (None) this interpreter."""

    python_version: str  # "3.13"
    machine: str  # "aarch64" | "x86_64"

    @classmethod
    def for_lambda(cls, runtime: str, architecture: str) -> Platform:
        match = re.fullmatch(r"python(3\.\d+)", runtime or "")
        if match is None:
            raise BuildError(f"runtime {runtime!r} is not a Python runtime")
        if architecture not in _MACHINES:
            raise BuildError(f"architecture {architecture!r} is not one of {sorted(_MACHINES)}")
        return cls(match.group(1), _MACHINES[architecture])

    @property
    def glibc_minor(self) -> int:
        version = tuple(int(p) for p in self.python_version.split("."))
        return 34 if version >= _AL2023_FIRST else 26

    def pip_args(self) -> list[str]:
        tags = ["manylinux2014"] + [f"manylinux_2_{minor}" for minor in range(17, self.glibc_minor + 1)]
        platforms = [arg for tag in tags for arg in ("--platform", f"{tag}_{self.machine}")]
        abi = "cp" + self.python_version.replace(".", "")
        return [
            *platforms,
            "--python-version",
            self.python_version,
            "--implementation",
            "cp",
            "--abi",
            abi,
            "--only-binary=:all:",
        ]

    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker values on this platform (for tools that resolve requirements offline)."""
        return {
            "python_version": self.python_version,
            "python_full_version": f"{self.python_version}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "sys_platform": "linux",
            "platform_system": "Linux",
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_release": "",
            "platform_version": "",
            "implementation_version": f"{self.python_version}.0",
        }

    def __str__(self) -> str:
        return f"python{self.python_version} on linux/{self.machine}"


class BuildError(Exception):
    """The application cannot be built as the template declares it."""


@dataclass
class Artifact:
    """One built folder: a function's code or a layer's ``python/`` tree."""

    logical_id: str
    kind: str  # "function" | "layer"
    path: Path
    platform: Platform | None
    layers: list[str] = field(default_factory=list)  # a function's layers, by logical id
    handler: str = ""  # a function's Handler, e.g. app.lambda_handler
    installed: list[str] = field(default_factory=list)  # distributions pip installed into it

    @property
    def size(self) -> int:
        return folder_size(self.path)


@dataclass
class Build:
    """What a build produced: the artifacts and the template that points at them."""

    out_dir: Path
    artifacts: dict[str, Artifact]

    @property
    def template(self) -> Path:
        return self.out_dir / "template.yaml"

    def functions(self) -> list[Artifact]:
        return [a for a in self.artifacts.values() if a.kind == "function"]

    def layer_roots(self, function: Artifact) -> list[Path]:
        """Where a function's layers put code on ``sys.path`` (``/opt/python`` on Lambda)."""
        roots = []
        for layer_id in function.layers:
            layer = self.artifacts[layer_id].path
            roots.append(layer / "python" if (layer / "python").is_dir() else layer)
        return roots

    def unzipped_size(self, function: Artifact) -> int:
        """What Lambda's 250 MB limit counts: the function's code and every layer it uses."""
        return function.size + sum(self.artifacts[layer_id].size for layer_id in function.layers)


def folder_size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(root, name)).st_size
    return total


def _parse_template(path: Path) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse(path.read_text())
    if not isinstance(template, dict):
        raise BuildError(f"{path} is not a template")
    return template


def _local(uri: object) -> TypeGuard[str]:
    return isinstance(uri, str) and not uri.startswith("s3://")


def _layer_ids(refs: list[Any], resources: dict[str, Any]) -> list[str]:
    ids = []
    for ref in refs:
        name = ref.get("Ref") if isinstance(ref, dict) else None
        if name in resources and resources[name].get("Type") == "AWS::Serverless::LayerVersion":
            ids.append(name)
    return ids


def _pip_install(requirements: Path, target: Path, platform: Platform | None) -> list[str]:
    """pip install -r into target (for platform, or this interpreter); the distributions it installed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--upgrade",
            "--target",
            str(target),
            "--report",
            str(report),
            "-r",
            str(requirements),
        ]
        if platform is not None:
            command += platform.pip_args()
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise BuildError(
                f"pip could not install {requirements} for {platform or 'this interpreter'}:\n"
                + _pip_errors(done.stderr + done.stdout)
            )
        installed = json.loads(report.read_text()).get("install", [])
    return sorted(str(item["metadata"]["name"]) for item in installed)


def _pip_errors(output: str) -> str:
    # pip.conf on some machines names local mirrors that are absent; their warnings bury the real error.
    return "\n".join(line for line in output.splitlines() if "is ignored: it is neither" not in line)


def _requirement_names(requirements: Path) -> set[str]:
    names = set()
    for line in requirements.read_text().splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
        if match:
            names.add(canonical_name(match.group(1)))
    return names


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


class SamBuilder:
    """Builds every local function and layer of a SAM template into ``out_dir``."""

    def __init__(self, template_path: Path, out_dir: Path, *, target: str = "lambda", locked: bool = False) -> None:
        if target not in ("lambda", "host"):
            raise BuildError(f"target {target!r} is not 'lambda' or 'host'")
        self.template_path = template_path.resolve()
        self.base_dir = self.template_path.parent
        self.out_dir = out_dir.resolve()
        self.target = target
        self.locked = locked  # a requirements file must name every distribution pip installs

    def build(self) -> Build:
        template = _parse_template(self.template_path)
        resources: dict[str, Any] = template.get("Resources") or {}
        globals_fn: dict[str, Any] = (template.get("Globals") or {}).get("Function") or {}
        if self.out_dir.exists():
            shutil.rmtree(self.out_dir)
        self.out_dir.mkdir(parents=True)
        artifacts: dict[str, Artifact] = {}
        for logical_id, resource in resources.items():
            if resource.get("Type") == "AWS::Serverless::LayerVersion":
                artifact = self._layer(logical_id, resource)
                if artifact is not None:
                    artifacts[logical_id] = artifact
        for logical_id, resource in resources.items():
            if resource.get("Type") == "AWS::Serverless::Function":
                artifact = self._function(logical_id, resource, globals_fn, resources)
                if artifact is not None:
                    artifacts[logical_id] = artifact
        self._write_template(template, artifacts)
        return Build(self.out_dir, artifacts)

    def _platform(self, runtime: str, architecture: str) -> Platform | None:
        return Platform.for_lambda(runtime, architecture) if self.target == "lambda" else None

    def _layer(self, logical_id: str, resource: dict[str, Any]) -> Artifact | None:
        props = resource.get("Properties") or {}
        uri = props.get("ContentUri")
        if not _local(uri):
            return None
        source = self.base_dir / str(uri)
        method = str((resource.get("Metadata") or {}).get("BuildMethod") or "")
        out = self.out_dir / logical_id
        if not method.startswith("python"):
            shutil.copytree(source, out, ignore=_IGNORED)  # no build method: the folder ships as it is
            return Artifact(logical_id, "layer", out, None)
        architecture = (resource.get("Metadata") or {}).get("BuildArchitecture") or "x86_64"
        platform = self._platform(method, architecture)
        python_dir = out / "python"  # what Lambda puts on sys.path as /opt/python
        shutil.copytree(source, python_dir, ignore=_IGNORED)
        installed = self._install(source / "requirements.txt", python_dir, platform)
        return Artifact(logical_id, "layer", out, platform, installed=installed)

    def _function(
        self, logical_id: str, resource: dict[str, Any], globals_fn: dict[str, Any], resources: dict[str, Any]
    ) -> Artifact | None:
        props = resource.get("Properties") or {}
        if props.get("InlineCode") is not None or props.get("PackageType") == "Image":
            return None
        uri = props.get("CodeUri", globals_fn.get("CodeUri"))
        if not _local(uri):
            return None
        runtime = props.get("Runtime") or globals_fn.get("Runtime") or ""
        architecture = (props.get("Architectures") or globals_fn.get("Architectures") or ["x86_64"])[0]
        layers = _layer_ids(list(globals_fn.get("Layers") or []) + list(props.get("Layers") or []), resources)
        out = self.out_dir / logical_id
        shutil.copytree(self.base_dir / str(uri), out, ignore=_IGNORED)
        platform = self._platform(runtime, architecture)
        installed = self._install(out / "requirements.txt", out, platform)
        handler = str(props.get("Handler") or globals_fn.get("Handler") or "")
        return Artifact(logical_id, "function", out, platform, layers=layers, handler=handler, installed=installed)

    def _install(self, requirements: Path, target: Path, platform: Platform | None) -> list[str]:
        if not requirements.is_file():
            return []
        installed = _pip_install(requirements, target, platform)
        if self.locked:
            unlisted = sorted({canonical_name(n) for n in installed} - _requirement_names(requirements))
            if unlisted:
                raise BuildError(
                    f"{requirements} does not pin {', '.join(unlisted)}, which pip installed as "
                    "dependencies: a build must install exactly what was tested"
                )
        return installed

    def _write_template(self, template: dict[str, Any], artifacts: dict[str, Artifact]) -> None:
        """The template ``sam build`` writes: code URIs name the built folders, other paths stay valid."""
        built = copy.deepcopy(template)
        resources = built.get("Resources") or {}
        ((built.get("Globals") or {}).get("Function") or {}).pop("CodeUri", None)
        for logical_id, resource in resources.items():
            props = resource.setdefault("Properties", {})
            if logical_id in artifacts:
                key = "ContentUri" if artifacts[logical_id].kind == "layer" else "CodeUri"
                props[key] = logical_id
            for key in ("DefinitionUri",):
                if _local(props.get(key)):
                    props[key] = os.path.relpath(self.base_dir / props[key], self.out_dir)
        (self.out_dir / "template.yaml").write_text(yaml.safe_dump(built, sort_keys=False, width=120))


def size_report(build: Build) -> str:
    """Each artifact's unzipped size, and each function's total against Lambda's 250 MB."""
    mb = 1_000_000
    ordered = sorted(build.artifacts.values(), key=lambda a: (a.kind != "layer", a.logical_id))
    width = max((len(a.logical_id) for a in ordered), default=8) + 2
    platforms = sorted({str(a.platform or "this interpreter") for a in ordered})
    lines = [
        f"built for {', '.join(platforms)}; Lambda allows {LAMBDA_UNZIPPED_LIMIT / mb:.1f} MB unzipped "
        "per function, layers included",
        "",
        f"{'artifact':<{width}}{'kind':<10}{'own':>10}{'with layers':>14}",
    ]
    for artifact in ordered:
        line = f"{artifact.logical_id:<{width}}{artifact.kind:<10}{artifact.size / mb:>7.1f} MB"
        if artifact.kind == "function":
            total = build.unzipped_size(artifact)
            share = f"{100 * total / LAMBDA_UNZIPPED_LIMIT:.0f} %"
            verdict = "OVER THE LIMIT" if total > LAMBDA_UNZIPPED_LIMIT else share
            line += f"{total / mb:>11.1f} MB  {verdict}"
        lines.append(line)
    return "\n".join(lines)


def check_limits(build: Build) -> list[str]:
    """Functions whose code and layers exceed what Lambda accepts."""
    return [
        f"{f.logical_id}: {build.unzipped_size(f)} bytes unzipped > {LAMBDA_UNZIPPED_LIMIT}"
        for f in build.functions()
        if build.unzipped_size(f) > LAMBDA_UNZIPPED_LIMIT
    ]


def provided_sdk_dir(into: Path) -> Path:
    """A folder holding what Lambda's Python runtime provides beside the standard library (boto3 and
    its dependencies), linked from this interpreter: ``/var/runtime`` for an import check."""
    into.mkdir(parents=True, exist_ok=True)
    import importlib.util

    for name in PROVIDED_BY_PYTHON_RUNTIME:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        source = Path(spec.origin).parent if spec.submodule_search_locations else Path(spec.origin)
        link = into / source.name
        if not link.exists():
            link.symlink_to(source, target_is_directory=source.is_dir())
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime.sam_build", description=__doc__.splitlines()[0])
    parser.add_argument("--template", "-t", default="template.yaml", help="SAM template (default: template.yaml)")
    parser.add_argument("--out", "-o", default=".aws-sam/build", help="build folder (default: .aws-sam/build)")
    parser.add_argument(
        "--target",
        choices=("lambda", "host"),
        default="lambda",
        help="lambda: the template's Runtime and Architectures (default); host: this interpreter",
    )
    parser.add_argument(
        "--locked", action="store_true", help="fail when pip installs a distribution a requirements file does not name"
    )
    args = parser.parse_args(argv)
    try:
        build = SamBuilder(Path(args.template), Path(args.out), target=args.target, locked=args.locked).build()
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    print(size_report(build))
    over = check_limits(build)
    for problem in over:
        print(f"over Lambda's limit: {problem}", file=sys.stderr)
    print(f"\nbuilt {len(build.artifacts)} artifacts into {build.out_dir} (template: {build.template})")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
