"""``python -m local_runtime``: arguments, the startup banner, and a real start / request / Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from local_runtime.__main__ import banner, network_warning, parse_args

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).parent / "http_app" / "template.yaml"


def test_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    args = parse_args(["--template", "t.yaml", "--param", "Stage=dev", "--param", "X=a=b", "--clock-speed", "60"])
    assert args.template == "t.yaml" and args.port == 3000 and args.host == "127.0.0.1"
    assert args.parameters == {"Stage": "dev", "X": "a=b"} and args.clock_speed == 60.0
    monkeypatch.setenv("PORT", "4100")
    assert parse_args([]).port == 4100
    with pytest.raises(SystemExit):
        parse_args(["--param", "novalue"])
    assert args.allow_remote_tokens is False
    assert parse_args(["--allow-remote-tokens"]).allow_remote_tokens is True


def test_non_loopback_bind_is_warned_about() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert network_warning(host, False) is None, host
    refused = network_warning("0.0.0.0", False)
    assert refused and "WARNING" in refused and "0.0.0.0" in refused
    assert "/_local/token is disabled" in refused and "--allow-remote-tokens" in refused
    allowed = network_warning("192.168.1.5", True)
    assert allowed and "ANY user and group" in allowed


def test_banner_lists_what_runs() -> None:
    summary = {
        "stack": "local",
        "routes": [{"method": "GET", "path": "/things/{id}", "function": "ThingFunction", "auth": "PoolAuth"}],
        "functions": [{"logical_id": "ThingFunction", "handler": "app.handler", "code_dir": "/code/thing"}],
        "rules": [
            {
                "name": "on-thing",
                "bus": "bus-1",
                "pattern": {"source": ["x"]},
                "schedule": None,
                "targets": ["arn:aws:lambda:us-east-1:1:function:fn-1"],
            }
        ],
        "state_machines": [{"logical_id": "Flow", "physical_id": "arn:...:Flow"}],
        "schedules": [{"name": "nightly", "expression": "rate(1 day)", "target": "arn:x:fn-2", "next": "soon"}],
    }
    text = banner(summary, "http://127.0.0.1:3000", 1.234)
    assert "ready in 1.23 s" in text
    assert re.search(r"GET\s+http://127.0.0.1:3000/things/\{id\}\s+-> ThingFunction\s+\[PoolAuth\]", text)
    assert 'on-thing  on bus-1:  {"source":["x"]}  -> fn-1' in text
    assert "Flow" in text and "nightly  rate(1 day)" in text
    assert "/_local/openapi.json" in text and "/_local/inbound-email" in text


def test_make_run_command_starts_serves_and_stops_on_ctrl_c() -> None:
    """Exactly what ``make run`` does (from the repository root), on a free port."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local_runtime",
            "--template",
            str(TEMPLATE),
            "--port",
            "0",
            "--param",
            "Stage=cli",
        ],
        cwd=REPO,
        # As from a background job (CI, nohup): SIGINT arrives ignored and must be honoured anyway.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        url = None
        lines = []
        while url is None and time.monotonic() - started < 60:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if m := re.search(r"ready in [\d.]+ s on (http://\S+)", line):
                url = m.group(1)
        assert url, "".join(lines)
        with urllib.request.urlopen(f"{url}/echo/hello") as response:
            event = json.loads(response.read())
        assert event["requestContext"]["stage"] == "cli"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)  # fails instead of hanging if Ctrl-C is not honoured
        out = proc.stdout.read()  # not communicate(): it would skip what readline() buffered
        assert proc.returncode == 0, out
        assert "local runtime: stopped." in out
        assert "Routes (" in "".join(lines) + out
        assert "Feature Toggle" not in "".join(lines) + out  # samtranslator's own config noise
        assert "WARNING: listening on" not in "".join(lines) + out  # loopback: nothing to warn about
    finally:
        if proc.poll() is None:
            proc.kill()
