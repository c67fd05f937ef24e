"""Bad input to the public form gets a clear 4xx and changes nothing: no lead, no event, no email."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.e2e

VALID = {"name": "Ada Lovelace", "email": "bad-input@example.com", "message": "Hello", "consent": True}

CASES = {
    "malformed json": (b'{"name": "Ada", ', None),
    "not an object": (b'["Ada"]', None),
    "wrong types": (None, {**VALID, "consent": "maybe", "name": 42}),
    "missing fields": (None, {"name": "Ada"}),
    "unknown field": (None, {**VALID, "is_admin": True}),
    "bad email": (None, {**VALID, "email": "not-an-email"}),
    "script in message": (None, {**VALID, "message": "<script>alert(1)</script>"}),
    "html in name": (None, {**VALID, "name": "<b>Ada</b>"}),
    "one megabyte body": (None, {**VALID, "message": "x" * 1024 * 1024}),
    "empty body": (b"", None),
}


def _state(http, runtime):
    runtime.wait_idle(timeout=5)
    _, leads = http.get("/leads?limit=100", token=http.token("sam", "sales"))
    _, events = http.get("/_local/events?limit=1000")
    _, emails = http.get("/_local/emails")
    return len(leads["items"]), len(events["events"]), len(emails["emails"])


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(http, runtime, case):
    raw, body = CASES[case]
    before = _state(http, runtime)

    status, response = http.post("/forms/contact", raw=raw if raw is not None else json.dumps(body).encode())

    assert 400 <= status < 500, (status, response)
    error = response["error"]
    assert error["code"] and error["message"], response
    assert "Traceback" not in json.dumps(response)
    assert _state(http, runtime) == before


def test_validation_error_names_each_bad_field(http):
    status, response = http.post("/forms/contact", {"name": 42, "email": "nope", "consent": "maybe"})

    assert status == 422
    fields = {detail["field"] for detail in response["error"]["details"]}
    assert {"name", "email", "message", "consent"} <= fields
