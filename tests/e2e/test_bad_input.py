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
    "nested 10,000 deep": (b"[" * 10_000 + b"]" * 10_000, None),
    "a field nested 10,000 deep": (b'{"name": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", None),
    "5,000-digit number": (json.dumps(VALID)[:-1].encode() + b', "consent": ' + b"9" * 5_000 + b"}", None),
    "4,301-digit number": (json.dumps(VALID)[:-1].encode() + b', "phone": ' + b"1" * 4_301 + b"}", None),
    "a list and an object for text": (None, {**VALID, "name": ["Ada"], "message": {"text": "Hello"}}),
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


@pytest.mark.parametrize("content_type", ["", "text/plain"])
def test_a_body_without_the_json_content_type_is_a_415_and_changes_nothing(http, runtime, content_type):
    before = _state(http, runtime)

    status, response = http.post("/forms/contact", VALID, headers={"content-type": content_type})

    assert (status, response["error"]["code"]) == (415, "unsupported_media_type")
    assert _state(http, runtime) == before


def test_the_json_content_type_is_matched_in_any_case(http):
    body = {**VALID, "email": "any-case@example.com"}
    status, _ = http.post("/forms/contact", body, headers={"content-type": "APPLICATION/JSON; Charset=UTF-8"})

    assert status == 202


@pytest.mark.parametrize("method", ["TRACE", "PATCH", "FOO", "DELETE"])
@pytest.mark.parametrize("path", ["/forms/contact", "/orders", "/leads"])
def test_a_method_no_route_has_is_the_gateways_answer_and_changes_nothing(http, runtime, method, path):
    before = _state(http, runtime)
    body = None if method == "TRACE" else VALID

    status, response = http.request(method, path, body, token=http.token("sam", "sales"))

    assert 400 <= status < 500 and status != 405, (status, response)
    assert response["error"]["code"] == "not_found", response
    assert _state(http, runtime) == before
