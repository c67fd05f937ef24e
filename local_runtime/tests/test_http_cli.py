"""``python -m local_runtime``: arguments, the startup banner, and a real start / request / Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from local_runtime.__main__ import banner, network_warning, parse_args
from local_runtime.on_ready import OnReady

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
    assert args.on_ready == []
    assert parse_args(["--on-ready", "a b", "--on-ready", "c"]).on_ready == ["a b", "c"]


def test_on_ready_commands_run_in_order_with_the_url_and_failures_only_warn() -> None:
    out, err = io.StringIO(), io.StringIO()
    py = shlex.quote(sys.executable)
    hooks = OnReady(
        [
            f"{py} -c \"import os; print('url', os.environ['LOCAL_API_URL'])\"",
            f"{py} -c \"import sys; print('first'); print('second', file=sys.stderr); sys.exit(3)\"",
            "echo last",
        ],
        "http://127.0.0.1:9",
        out=out,
        err=err,
    ).start()
    assert hooks.join(timeout=30)
    assert out.getvalue().splitlines() == [
        "[on-ready] url http://127.0.0.1:9",
        "[on-ready] first",
        "[on-ready] second",
        "[on-ready] last",
    ]
    assert hooks.exit_codes == [0, 3, 0]
    assert "WARNING: on-ready command exited with 3" in err.getvalue()


def test_stopping_ends_a_running_on_ready_command() -> None:
    hooks = OnReady(
        [f"{shlex.quote(sys.executable)} -c 'import time; time.sleep(60)'", "echo never"],
        "u",
        out=io.StringIO(),
        err=io.StringIO(),
    ).start()
    time.sleep(0.3)
    started = time.monotonic()
    hooks.stop()
    assert hooks.join(timeout=5) and time.monotonic() - started < 5
    assert len(hooks.exit_codes) == 1 and hooks.exit_codes[0] != 0


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
            "--on-ready",
            f'{shlex.quote(sys.executable)} -c "import os, urllib.request as u; '
            "print('demo', u.urlopen(os.environ['LOCAL_API_URL'] + '/echo/x').status)\"",
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
        while time.monotonic() - started < 60:  # the --on-ready command reached the API once it served
            line = proc.stdout.readline()
            lines.append(line)
            if not line or "[on-ready]" in line:
                break
        assert "[on-ready] demo 200" in lines[-1], "".join(lines)
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
