"""sam_build: `sam build`'s artifact without Docker; shipped_imports: built code sees only what ships."""

from __future__ import annotations

import builtins
import importlib.util
import sys
from pathlib import Path

import pytest
from core_helpers import FIXTURE_TEMPLATE
from local_runtime.sam_build import BuildError, Platform, SamBuilder
from local_runtime.shipped_imports import ShippedImports

from local_runtime import LocalRuntime, sam_build


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    return SamBuilder(Path(FIXTURE_TEMPLATE), tmp_path_factory.mktemp("fixture-build"), target="host").build()


def test_each_function_and_layer_gets_its_own_folder_and_the_template_points_at_them(fixture_build):
    echo = fixture_build.artifacts["EchoFunction"]
    assert (echo.path / "app.py").is_file() and echo.path.name == "EchoFunction"
    assert echo.layers == ["SharedLayer"] and echo.handler == "app.lambda_handler"
    assert not list(fixture_build.out_dir.rglob("__pycache__"))
    from samtranslator.yaml_helper import yaml_parse

    built = yaml_parse(fixture_build.template.read_text())
    assert built["Resources"]["EchoFunction"]["Properties"]["CodeUri"] == "EchoFunction"
    assert built["Resources"]["SharedLayer"]["Properties"]["ContentUri"] == "SharedLayer"
    for resource in built["Resources"].values():
        uri = (resource.get("Properties") or {}).get("DefinitionUri")
        if isinstance(uri, str):
            assert (fixture_build.out_dir / uri).is_file()


def test_the_runtime_runs_the_built_artifact_with_the_same_answers(fixture_build):
    original_import = builtins.__import__
    with LocalRuntime(FIXTURE_TEMPLATE, serve_http=False) as source:
        expected = source.invoke("EchoFunction", {"ping": 1}).payload
    with LocalRuntime(fixture_build.template, serve_http=False, shipped_code_only=True) as built:
        result = built.invoke("EchoFunction", {"ping": 1})
        assert built.lambdas.spec("EchoFunction").code_dir == fixture_build.artifacts["EchoFunction"].path
        assert ShippedImports._installed is not None
    assert not result.errored
    assert {k: v for k, v in result.payload.items() if k != "request_id"} == {
        k: v for k, v in expected.items() if k != "request_id"
    }
    assert ShippedImports._installed is None and builtins.__import__ is original_import  # gone after stop


def test_lambda_platform_names_every_wheel_tag_the_runtime_accepts():
    al2023 = Platform.for_lambda("python3.13", "arm64").pip_args()
    assert ["--python-version", "3.13"] == al2023[al2023.index("--python-version") :][:2]
    platforms = {al2023[i + 1] for i, arg in enumerate(al2023) if arg == "--platform"}
    assert {"manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64"} <= platforms
    assert "manylinux_2_35_aarch64" not in platforms and "--only-binary=:all:" in al2023
    al2 = Platform.for_lambda("python3.11", "x86_64").pip_args()
    assert "manylinux_2_26_x86_64" in al2 and "manylinux_2_28_x86_64" not in al2
    with pytest.raises(BuildError):
        Platform.for_lambda("nodejs22.x", "arm64")
    with pytest.raises(BuildError):
        Platform.for_lambda("python3.13", "sparc")


def test_a_locked_build_refuses_what_the_requirements_file_does_not_pin(tmp_path, monkeypatch):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pins\nsome-lib[extra]==1.0  # direct\nOther_Lib==2.0\n")
    monkeypatch.setattr(sam_build, "_pip_install", lambda *a: ["some_lib", "other-lib", "sneaky.dep"])
    builder = SamBuilder(Path(FIXTURE_TEMPLATE), tmp_path / "out", target="host", locked=True)
    with pytest.raises(BuildError, match="does not pin sneaky-dep"):
        builder._install(requirements, tmp_path, None)
    requirements.write_text(requirements.read_text() + "sneaky-dep==3\n")
    assert builder._install(requirements, tmp_path, None) == ["some_lib", "other-lib", "sneaky.dep"]


def test_shipped_code_cannot_import_what_only_the_process_has(tmp_path):
    shipped, layer = tmp_path / "fn", tmp_path / "layer"
    shipped.mkdir()
    layer.mkdir()
    (layer / "helper_in_layer.py").write_text("VALUE = 7\n")
    (shipped / "ok_mod.py").write_text("import json, boto3\nimport helper_in_layer\nVALUE = helper_in_layer.VALUE\n")
    (shipped / "bad_mod.py").write_text("def later():\n    import yaml\n    return yaml\n")
    guard = ShippedImports(roots=[shipped, layer], search_path=[layer, shipped])
    sys.path[:0] = [str(layer)]
    guard.install()
    try:
        ok = _load(shipped / "ok_mod.py")
        assert ok.VALUE == 7
        bad = _load(shipped / "bad_mod.py")
        assert "yaml" in sys.modules or importlib.util.find_spec("yaml")  # the process has it ...
        with pytest.raises(ModuleNotFoundError, match="No module named 'yaml'"):
            bad.later()  # ... what ships does not
        import yaml  # code outside the guarded roots is not affected

        assert yaml
    finally:
        guard.uninstall()
        sys.path.remove(str(layer))
    assert bad.later() is sys.modules["yaml"]


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_shipped_test_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
