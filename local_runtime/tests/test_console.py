"""The console ``make run`` prints: one line per invocation and per event, errors in full, JSON one flag away.

The fixture app (``console_app``) is a Powertools function behind an API route that logs, emits a metric,
puts an event or fails, and a listener of that event; each test reads what the runtime's console wrote.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_runtime.__main__ import parse_args
from local_runtime.console_format import trigger
from local_runtime.lambda_logs import _TeeStream, capture, install_tee, set_pass_through

import local_runtime
from local_runtime import LocalRuntime
from local_runtime import console as console_mod

TEMPLATE = Path(__file__).resolve().parent / "console_app" / "template.yaml"


@pytest.fixture(scope="module")
def rt() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE, port=0) as runtime:
        assert runtime.lambdas is not None
        deadline = time.monotonic() + 30
        while runtime.lambdas.imported() != {"FrontFunction", "ListenerFunction"} and time.monotonic() < deadline:
            time.sleep(0.02)
        # pytest swaps sys.stdout between a test's phases, so the background warm-up may have made the
        # Powertools logger over pytest's stream instead of the tee (``make run`` never swaps it).
        install_tee()
        for handler in logging.getLogger("console").handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sys.stdout)
        yield runtime


@pytest.fixture
def console(rt: LocalRuntime) -> Iterator[list[str]]:
    """What the console writes from now on; the process-wide format is restored afterwards."""
    assert rt.lambdas is not None
    written: list[str] = []
    rt.lambdas.console.write = written.append
    yield written
    console_mod.configure("json")


def post(rt: LocalRuntime, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"{rt.url}/flows", data=json.dumps(body).encode(), method="POST", headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def flow(rt: LocalRuntime, **body: Any) -> tuple[str, int]:
    correlation_id = str(uuid.uuid4())
    status = post(rt, {"correlation_id": correlation_id, **body})
    assert rt.wait_idle(10)
    return correlation_id, status


def test_the_runtime_under_test_is_this_worktrees() -> None:
    assert Path(local_runtime.__file__).resolve().parents[2] == Path(__file__).resolve().parents[2]


def test_a_request_is_one_line_with_route_status_duration_and_correlation_id(rt, console) -> None:
    console_mod.configure("pretty")
    correlation_id, status = flow(rt)

    assert status == 201
    [line] = console
    assert "FrontFunction" in line and "POST /flows → 201" in line and " ms" in line
    assert f"corr={correlation_id[:8]}…" in line
    assert "_aws" not in line and "FlowStarted" not in line  # the EMF blob stays in the logs


def test_an_event_is_one_line_and_its_async_target_another(rt, console) -> None:
    console_mod.configure("pretty")
    correlation_id, _ = flow(rt, publish=True)

    text = "".join(console)
    assert f"console.flow FlowStarted on console-bus → 1 target  corr={correlation_id[:8]}…" in text
    listener = next(line for line in console if "ListenerFunction" in line)
    assert "async event console.flow FlowStarted ok" in listener
    assert f"corr={correlation_id[:8]}…" in listener
    assert "flow started" not in text  # INFO records are not shown


def test_an_error_shows_its_type_message_and_traceback(rt, console) -> None:
    console_mod.configure("pretty")
    _, status = flow(rt, fail=True)

    assert status == 502
    [block] = console
    first, *rest = block.splitlines()
    assert "FrontFunction" in first and "POST /flows ERROR FlowBroken" in first
    details = "\n".join(rest)
    assert "FlowBroken: the flow broke" in details
    assert "Traceback (most recent call last):" in details and "_deep_failure" in details
    assert "lambda_host.py" not in details  # the runtime's own frame is not the developer's code


def test_a_warning_record_is_shown_condensed_under_its_invocation(rt, console) -> None:
    console_mod.configure("pretty")
    flow(rt, warn=True)

    [block] = console
    assert "    WARNING: running low" in block
    assert '"level"' not in block  # condensed, not the JSON record


def test_json_mode_prints_no_summary_and_the_logs_keep_every_line(rt, console) -> None:
    console_mod.configure("json")
    result = rt.invoke("FrontFunction", {"body": json.dumps({"correlation_id": "c-json", "warn": True})})

    assert console == []
    assert result.logs.startswith("START RequestId:") and '"_aws"' in result.logs and "running low" in result.logs


def test_what_an_invocation_prints_reaches_the_terminal_in_json_mode_only() -> None:
    terminal = io.StringIO()
    tee = _TeeStream(terminal)
    try:
        set_pass_through(False)
        with capture() as pretty_buffer:
            tee.write("a record\n")
        set_pass_through(True)
        with capture() as json_buffer:
            tee.write("another\n")
    finally:
        set_pass_through(True)
    assert pretty_buffer.getvalue() == "a record\n" and json_buffer.getvalue() == "another\n"
    assert terminal.getvalue() == "another\n"


def test_quiet_prints_errors_only(rt, console) -> None:
    console_mod.configure("pretty", quiet=True)
    flow(rt, publish=True)
    assert console == []

    flow(rt, fail=True)
    [block] = console
    assert "ERROR FlowBroken" in block and "Traceback" in block


def test_local_logs_returns_the_structured_lines_of_one_flow(rt) -> None:
    correlation_id, _ = flow(rt, publish=True)
    flow(rt, publish=True)  # another flow, not returned

    lines = _get(rt, f"/_local/logs?correlation_id={correlation_id}")["lines"]
    assert {line["function"] for line in lines} == {"FrontFunction", "ListenerFunction"}
    records = [line["record"] for line in lines]
    assert records[0]["message"].startswith("START RequestId:")  # not JSON: as a message
    assert any(r.get("message") == "flow started" and r.get("correlation_id") == correlation_id for r in records)
    assert records[-1]["message"].startswith("END RequestId:")  # oldest first
    by_prefix = _get(rt, f"/_local/logs?correlation_id={correlation_id[:8]}")["lines"]
    assert by_prefix == lines

    listener_only = _get(rt, f"/_local/logs?correlation_id={correlation_id}&function=ListenerFunction&limit=2")
    assert [line["function"] for line in listener_only["lines"]] == ["ListenerFunction"] * 2
    assert listener_only["lines"][-1] == lines[-1]


def _get(rt: LocalRuntime, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{rt.url}{path}", timeout=10) as response:
        return json.loads(response.read())


def test_the_trigger_comes_from_the_event_shape_or_the_caller() -> None:
    sqs = {"Records": [{"eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:r:1:jobs"}] * 2}
    stream = {"Records": [{"eventSource": "aws:dynamodb", "eventSourceARN": "arn:aws:dynamodb:r:1:table/T/stream/x"}]}
    schedule = {"detail-type": "Scheduled Event", "source": "aws.events", "resources": ["arn:aws:events:r:1:rule/r"]}
    assert trigger(sqs) == "sqs jobs (2 records)"
    assert trigger(stream) == "dynamodb T (1 record)"
    assert trigger(schedule, async_attempt=2) == "async schedule r (attempt 2)"
    assert trigger({"any": "json"}, caller="state machine M / Task") == "state machine M / Task"
    assert trigger({"any": "json"}) == "invoke"


def test_the_cli_is_pretty_by_default_and_json_one_flag_away(monkeypatch) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("QUIET", raising=False)
    assert parse_args([]).log_format == "pretty" and not parse_args([]).quiet
    assert parse_args(["--log-format", "json"]).log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("QUIET", "1")
    assert parse_args([]).log_format == "json" and parse_args([]).quiet
