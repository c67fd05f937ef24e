"""No input gets a 5xx: every operation of docs/openapi.json, fuzzed with schemathesis on the local runtime.

Each operation is called with a token of a group allowed to call it (so the fuzzed input reaches its handler
and not only the authorizer), in two modes: ``positive`` (input the document allows: the handler's own rules
are what must refuse it) and ``negative`` (input the document forbids: wrong types, missing fields, values out
of range, bad path and query parameters). The webhook's bodies are signed with the local secret, so they get
past the signature check too. Every answer must be below 500 and be one the document declares for the
operation, with a body its schema allows (tests/e2e/api_contract.py, as for every end-to-end test).

Bounded and reproducible: ``TANDEM_FUZZ_EXAMPLES`` examples per operation and mode (default 25), derandomized
(the same inputs on every run), no example database. A failure names the operation and the request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.parse
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from tests.e2e.api_contract import DOCUMENT, allowed_groups
from tests.e2e.conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "25"))
SPEC = json.loads(DOCUMENT.read_text())
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items() for method in item]
SIGNED = {("POST", "/payments/webhook")}  # authenticated by an HMAC of the raw body instead of a token


def _operation(method: str, path: str) -> dict[str, Any]:
    return SPEC["paths"][path][method.lower()]


def _signature(body: bytes) -> str:
    moment = int(time.time())
    return (
        f"t={moment},v1={hmac.new(WEBHOOK_SECRET.encode(), f'{moment}.'.encode() + body, hashlib.sha256).hexdigest()}"
    )


def _request(case: Any, base_url: str, token: str | None, signed: bool) -> dict[str, Any]:
    """The requests.Session.request arguments for a case: its token, or its body signed as the provider does."""
    kwargs = case.as_transport_kwargs(base_url=base_url)
    headers = {name: value for name, value in kwargs.pop("headers", {}).items() if name.lower() != "authorization"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if signed:
        raw = json.dumps(kwargs.pop("json")).encode() if "json" in kwargs else kwargs.pop("data", None) or b""
        kwargs["data"] = raw if isinstance(raw, bytes) else str(raw).encode()
        headers = {name: value for name, value in headers.items() if name.lower() != "tandem-signature"}
        headers["Tandem-Signature"] = _signature(kwargs["data"])
    return {**kwargs, "headers": headers, "timeout": 30, "allow_redirects": False}


def test_the_fuzzed_operations_are_every_operation_of_the_document():
    loaded = {(op.method.upper(), op.path) for op in (result.ok() for result in SCHEMA.get_all_operations())}
    assert loaded == set(OPERATIONS)
    assert len(OPERATIONS) == sum(len(item) for item in SPEC["paths"].values())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[_operation(m, p)["operationId"] for m, p in OPERATIONS])
def test_no_input_gets_a_5xx(http, method, path, mode):
    operation = _operation(method, path)
    groups = allowed_groups(operation)
    token = http.token(f"fuzz-{'-'.join(groups)}", *groups) if groups else None
    signed = (method, path) in SIGNED
    session = requests.Session()
    statuses: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=SCHEMA[path][method].as_strategy(generation_mode=mode))
    def fuzz(case: Any) -> None:
        request = _request(case, http.base_url, token, signed)
        response = session.request(**request)
        status = response.status_code
        statuses[status] = statuses.get(status, 0) + 1
        where = f"{method} {request['url']} ({operation['operationId']}, {mode})"
        assert status < 500, f"{where} answered {status}: {response.text[:500]}"
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        http.contract.check(method, urllib.parse.urlsplit(request["url"]).path, status, body)

    fuzz()
    assert statuses, "no example ran"
    assert not set(statuses) <= {401, 403}, f"nothing got past the token or signature check: {statuses}"
    if signed and mode is GenerationMode.POSITIVE:  # the secret is the one the runtime checks with
        assert any(200 <= status < 300 for status in statuses), statuses
