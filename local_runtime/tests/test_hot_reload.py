from __future__ import annotations

import os
import time
from pathlib import Path

from core_helpers import copy_fixture

from local_runtime import LocalRuntime


def test_hot_reload_of_handler_and_layer(tmp_path: Path) -> None:
    template = copy_fixture(tmp_path)
    app_dir = template.parent
    with LocalRuntime(template, serve_http=False, stack_name="reload") as rt2:
        assert rt2.invoke("EchoFunction", {"record": False}).payload["layer"] == "layer-v1"
        handler = app_dir / "functions" / "echo" / "app.py"
        handler.write_text(handler.read_text().replace('"role": os.environ.get("FUNCTION_ROLE")', '"role": "edited"'))
        os.utime(handler, (time.time() + 5, time.time() + 5))
        time.sleep(rt2.lambdas.RELOAD_CHECK_INTERVAL + 0.05)
        assert rt2.invoke("EchoFunction", {"record": False}).payload["role"] == "edited"
        layer = app_dir / "layers" / "shared" / "fixture_shared" / "__init__.py"
        layer.write_text('VALUE = "layer-v2"\n')
        os.utime(layer, (time.time() + 10, time.time() + 10))
        time.sleep(rt2.lambdas.RELOAD_CHECK_INTERVAL + 0.05)
        assert rt2.invoke("EchoFunction", {"record": False}).payload["layer"] == "layer-v2"


def test_missing_handler_file_is_an_import_error_at_invoke(tmp_path: Path) -> None:
    template = copy_fixture(tmp_path)
    (template.parent / "functions" / "fail_once" / "app.py").unlink()
    with LocalRuntime(template, serve_http=False) as rt2:  # provisioning tolerates it
        r = rt2.invoke("FailOnceFunction", {})
        assert r.errored and r.payload["errorType"] == "Runtime.ImportModuleError"
