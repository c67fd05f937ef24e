"""Probing every route of the document with hostile input, and checking that nothing was stored.

Shared by test_bad_input.py (JSON shapes, methods) and test_text_policy.py (free text).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.e2e.api_contract import ApiContract, allowed_groups
from tests.e2e.conftest import WEBHOOK_SECRET

DOCUMENT = ApiContract.committed().document
PLACEHOLDER = "probe-1"  # stands in for every path parameter: the probes must be refused before any lookup
SIGNED = {("POST", "/payments/webhook")}


def url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", PLACEHOLDER, path)


def token_for(http, method: str, path: str) -> str | None:
    """A token of the groups the operation allows (so the probe reaches the handler); None for public ones."""
    operation = DOCUMENT["paths"][path].get(method.lower())
    groups = allowed_groups(operation) if operation else ["admin", "customer", "finance", "inventory", "sales"]
    return http.token(f"probe-{'-'.join(groups)}", *groups) if groups else None


def send(http, method: str, path: str, raw: bytes, token: str | None, target: str | None = None) -> tuple[int, Any]:
    """``raw`` to ``target`` (default: ``path`` with placeholders), signed where the route checks a signature."""
    headers = {}
    if (method, path) in SIGNED:  # past the signature check, so the body reaches the parser
        moment = int(time.time())
        digest = hmac.new(WEBHOOK_SECRET.encode(), f"{moment}.".encode() + raw, hashlib.sha256).hexdigest()
        headers["Tandem-Signature"] = f"t={moment},v1={digest}"
    return http.request(method, target or url(path), raw=raw, token=token, headers=headers)


def stored(http, runtime) -> tuple[Any, ...]:
    """Everything a request could have stored: items per table, events on the buses, emails sent."""
    runtime.wait_idle(timeout=10)
    dynamodb = runtime.client("dynamodb")
    items = {
        name: dynamodb.scan(TableName=name, Select="COUNT")["Count"] for name in dynamodb.list_tables()["TableNames"]
    }
    _, events = http.get("/_local/events?limit=100000")
    _, emails = http.get("/_local/emails")
    return items, len(events["events"]), len(emails["emails"])


@contextmanager
def nothing_stored(http, runtime) -> Iterator[None]:
    """Fails when the block stored anything. The runtime's schedules are held meanwhile: at the e2e clock
    speed a virtual day passes in under two minutes, so the nightly reorder check would write mid-probe."""
    runtime.schedules.stop()
    try:
        before = stored(http, runtime)
        yield
        assert stored(http, runtime) == before, "a refused request stored something"
    finally:
        runtime.schedules.start()
