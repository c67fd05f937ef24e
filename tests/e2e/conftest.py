"""End-to-end tests drive the whole application over HTTP, on the same local runtime `make run` starts."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from local_runtime import LocalRuntime
from tests.e2e.api_contract import ApiContract

ROOT = Path(__file__).resolve().parents[2]

# Retry back-off and Wait states follow the runtime clock: at this speed Lambda's one- and two-minute
# async retry delays take 60 ms and 120 ms.
CLOCK_SPEED = 1000.0
WEBHOOK_SECRET = "whsec_local"
# A card payment may take 3000 virtual seconds: 3 s here, time enough to pay, short enough to watch it lapse.
# INFO logs of ~40 functions would bury the test report; warnings and errors still show.
# Set by tests/packaging: run on what `sam_build --target host` wrote there instead of the source tree.
BUILD_DIR = os.environ.get("TANDEM_E2E_BUILD_DIR")
PARAMETERS = {
    "Stage": "local",
    "PaymentWebhookSecret": WEBHOOK_SECRET,
    "CardPaymentTimeoutSeconds": "3000",
    "LogLevel": "WARNING",
    "AllowedOrigins": "http://localhost:5173,http://127.0.0.1:5173",  # make run's default
    # SLA clocks count business time: open around the clock and without holidays, so the time a target takes
    # here (8 business hours of first response: 29 s at CLOCK_SPEED) does not depend on the day the suite runs.
    "SupportHours": "mon-sun 00:00-24:00",
    "SupportHolidayCountry": "",
}


class Http:
    """A tiny JSON client for the runtime's API; returns (status, parsed body)."""

    def __init__(self, base_url: str, contract: ApiContract | None = None) -> None:
        self.base_url = base_url
        self.contract = contract

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("content-type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if token:
            request.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            return status, payload.decode(errors="replace")
        if self.contract is not None:
            self.contract.check(method, path, status, parsed)
        return status, parsed

    def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return self.request("POST", path, body, **kwargs)

    def token(
        self, sub: str, *groups: str, email: str | None = None, verified: bool = True, token_use: str = "id"
    ) -> str:
        query = f"sub={sub}&groups={','.join(groups)}&token_use={token_use}"
        if email is not None:
            query += f"&email={urllib.parse.quote(email)}&email_verified={'true' if verified else 'false'}"
        status, body = self.get(f"/_local/token?{query}")
        assert status == 200, body
        return body["token"]


@pytest.fixture(scope="package")
def runtime():
    # Functions inherit the process environment under their own variables, as on Lambda. Hundreds of EMF
    # documents on stdout would bury the report; no e2e test reads metrics (integration tests do).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        template = Path(BUILD_DIR) / "template.yaml" if BUILD_DIR else ROOT / "template.yaml"
        rt = LocalRuntime(
            str(template), port=0, clock_speed=CLOCK_SPEED, parameters=PARAMETERS, shipped_code_only=bool(BUILD_DIR)
        )
        rt.start()
        try:
            yield rt
        finally:
            rt.stop()
        if BUILD_DIR:
            assert_business_code_came_from(Path(BUILD_DIR))


def assert_business_code_came_from(build_dir: Path) -> None:
    """On the built artifact, every module of the layer's own package was imported from the build."""
    built = str(build_dir.resolve())
    elsewhere = [
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "tandem"
        and getattr(module, "__file__", None)
        and not str(Path(module.__file__).resolve()).startswith(built)
    ]
    assert not elsewhere, f"imported from the source tree, not the build: {sorted(elsewhere)[:5]}"


@pytest.fixture(scope="package")
def http(runtime):
    contract = ApiContract.committed()
    yield Http(runtime.url, contract)
    contract.write_examples()


def eventually(probe: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll until probe() returns something truthy; the app is asynchronous past the API."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value: {result!r})")
        time.sleep(interval)
