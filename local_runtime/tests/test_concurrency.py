"""Concurrent invocations of one function each get their own execution environment, as on Lambda.

An environment (its own import of the handler module, under the function's environment) serves one
invocation at a time; one more is imported when an invocation finds none idle, then kept warm, up to the
function's ReservedConcurrentExecutions. Powertools' resolver keeps the request it serves on itself and on
``BaseRouter``: before, 200 concurrent mixed requests to one function got one another's status codes.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from local_runtime import LocalRuntime

TEMPLATE = Path(__file__).resolve().parent / "concurrency_app" / "template.yaml"
REQUESTS = 200


@pytest.fixture(scope="module")
def rt() -> Iterator[LocalRuntime]:
    with LocalRuntime(TEMPLATE, port=0) as runtime:
        yield runtime


def call(rt: LocalRuntime, i: int) -> tuple[int, int, dict[str, Any]]:
    if i % 2:
        data = json.dumps({"name": f"w{i}"}).encode()
        request = urllib.request.Request(f"{rt.url}/things", data=data, method="POST")
        request.add_header("content-type", "application/json")
    else:
        request = urllib.request.Request(f"{rt.url}/things/r{i}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return i, response.status, json.loads(response.read())


def test_every_concurrent_answer_belongs_to_its_own_request(rt: LocalRuntime) -> None:
    start = threading.Barrier(REQUESTS, timeout=30)

    def fire(i: int) -> tuple[int, int, dict[str, Any]]:
        start.wait()  # all at once
        return call(rt, i)

    with ThreadPoolExecutor(REQUESTS) as pool:
        answers = list(pool.map(fire, range(REQUESTS)))
    wrong = [
        (i, status, body)
        for i, status, body in answers
        if (status, body.get("wrote" if i % 2 else "read"), body.get("path"))
        != ((201, f"w{i}", "/things") if i % 2 else (200, f"r{i}", f"/things/r{i}"))
        or set(body) != {"wrote" if i % 2 else "read", "environment", "path"}
    ]
    assert not wrong, wrong[:5]
    environments = {body["environment"] for _, _, body in answers}
    assert 1 < len(environments) == rt.lambdas.environments("ResolverFunction")
    modules = {m for name, m in sys.modules.items() if name.startswith("_local_runtime_fn_Resolver")}
    assert {m.ENVIRONMENT for m in modules} == environments  # each its own module instance
    assert all(m.IMPORTED_UNDER == rt.lambdas.spec("ResolverFunction").name for m in modules)
    assert not any(m.OVERLAPS for m in modules)  # never two invocations in one environment


def test_sequential_invocations_reuse_the_first_environment(rt: LocalRuntime) -> None:
    first = rt.lambdas.module_for("ResolverFunction").ENVIRONMENT
    seen = {call(rt, i)[2]["environment"] for i in range(6)}
    assert seen == {first}


def test_reserved_concurrency_caps_the_environments(rt: LocalRuntime) -> None:
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda _: rt.invoke("CappedFunction", {"sleep": 0.05}), range(12)))
    assert all(not r.errored for r in results), [r.payload for r in results if r.errored]
    assert {r.payload["running_here"] for r in results} == {1}  # one invocation at a time per environment
    assert len({r.payload["environment"] for r in results}) == rt.lambdas.environments("CappedFunction") == 2


def test_a_changed_handler_reloads_every_environment(rt: LocalRuntime) -> None:
    before = {call(rt, i)[2]["environment"] for i in range(2)}
    handler = rt.lambdas.spec("ResolverFunction").module_file
    assert handler is not None
    handler.touch()  # a newer mtime: every environment is imported afresh
    time.sleep(rt.lambdas.RELOAD_CHECK_INTERVAL + 0.05)
    after = call(rt, 0)[2]["environment"]
    assert after not in before
    assert rt.lambdas.environments("ResolverFunction") == 1
