"""Bad input gets a clear 4xx and changes nothing: no item stored, no event, no email. The public form's
cases first; then every path and body operation of docs/openapi.json: methods no route has, bodies past the
edge's limits and JSON of the wrong type (tests/fuzz fuzzes every operation on top of this)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.probes import DOCUMENT, nothing_stored, send, token_for, url

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


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(http, runtime, case):
    raw, body = CASES[case]
    with nothing_stored(http, runtime):
        status, response = http.post("/forms/contact", raw=raw if raw is not None else json.dumps(body).encode())

        assert 400 <= status < 500, (status, response)
        error = response["error"]
        assert error["code"] and error["message"], response
        assert "Traceback" not in json.dumps(response)


def test_validation_error_names_each_bad_field(http):
    status, response = http.post("/forms/contact", {"name": 42, "email": "nope", "consent": "maybe"})

    assert status == 422
    fields = {detail["field"] for detail in response["error"]["details"]}
    assert {"name", "email", "message", "consent"} <= fields


@pytest.mark.parametrize("content_type", ["", "text/plain"])
def test_a_body_without_the_json_content_type_is_a_415_and_changes_nothing(http, runtime, content_type):
    with nothing_stored(http, runtime):
        status, response = http.post("/forms/contact", VALID, headers={"content-type": content_type})

        assert (status, response["error"]["code"]) == (415, "unsupported_media_type")


def test_the_json_content_type_is_matched_in_any_case(http):
    body = {**VALID, "email": "any-case@example.com"}
    status, _ = http.post("/forms/contact", body, headers={"content-type": "APPLICATION/JSON; Charset=UTF-8"})

    assert status == 202


# Every path and operation of the document, probed the way an attacker would (finding 2 of issue 9).
PATHS = sorted(DOCUMENT["paths"])
BODY_OPERATIONS = [
    (method.upper(), path)
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method.upper() in {"POST", "PUT", "PATCH"}
]


def _undeclared(path: str) -> list[str]:
    declared = {method.upper() for method in DOCUMENT["paths"][path]}
    lower_case = [method.lower() for method in sorted(declared)]
    return [method for method in ("TRACE", "PATCH", "FOO", "DELETE", "PUT") if method not in declared] + lower_case


@pytest.mark.parametrize("path", PATHS)
def test_a_method_no_route_has_is_the_gateways_answer_and_changes_nothing(http, runtime, path):
    with nothing_stored(http, runtime):
        token = token_for(http, "GET", path)

        for method in _undeclared(path):
            body = None if method.upper() in {"TRACE", "GET"} else VALID
            status, response = http.request(method, url(path), body, token=token)

            assert 400 <= status < 500 and status != 405, (method, status, response)
            assert response["error"]["code"] == "not_found", (method, response)


def _schema(method: str, path: str) -> dict[str, Any]:
    body = DOCUMENT["paths"][path][method.lower()].get("requestBody") or {}
    schema = (body.get("content") or {}).get("application/json", {}).get("schema") or {}
    schema = next((s for s in schema.get("anyOf", []) if "$ref" in s), schema)
    if "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _field_of_type(schema: dict[str, Any], *types: str) -> str | None:
    for name, field in (schema.get("properties") or {}).items():
        kinds = {field.get("type"), *(option.get("type") for option in field.get("anyOf", []))}
        if kinds & set(types) and not kinds & {"object", "array"}:
            return name
    return None


def _hostile_bodies(method: str, path: str) -> dict[str, bytes]:
    """Bodies no operation may take: the edge limits (issue 9), then JSON of the wrong type."""
    schema = _schema(method, path)
    bodies = {
        "nested 10,000 deep": b"[" * 10_000 + b"]" * 10_000,
        "a field nested 10,000 deep": b'{"a": ' + b"[" * 9_999 + b"]" * 9_999 + b"}",
        "5,000-digit number": b'{"quantity": ' + b"9" * 5_000 + b"}",
        "4,301-digit number": b'{"n": [' + b"1" * 4_301 + b"]}",
        "array where an object is": b"[{}]",
        "a string body": b'"text"',
    }
    if number := _field_of_type(schema, "integer", "number"):
        bodies["string where a number is"] = json.dumps({number: "twelve"}).encode()
        bodies["5,000-digit number where a number is"] = f'{{"{number}": {"7" * 5_000}}}'.encode()
    if text := _field_of_type(schema, "string"):
        bodies["object where a string is"] = json.dumps({text: {"$gt": ""}}).encode()
        bodies["list where a string is"] = json.dumps({text: ["a", "b"]}).encode()
    return bodies


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
def test_hostile_json_is_a_4xx_on_every_body_operation_and_changes_nothing(http, runtime, method, path):
    with nothing_stored(http, runtime):
        token = token_for(http, method, path)

        for case, raw in _hostile_bodies(method, path).items():
            status, response = send(http, method, path, raw, token)

            assert 400 <= status < 500, (case, status, response)
            assert response["error"]["code"] and response["error"]["message"], (case, response)


@pytest.mark.parametrize("kind", [["payment.succeeded"], {"name": "payment.succeeded"}, 7, None])
def test_a_signed_webhook_whose_type_is_not_text_is_a_4xx_and_changes_nothing(http, runtime, kind):
    with nothing_stored(http, runtime):
        raw = json.dumps({"id": "evt_probe_type", "type": kind, "order_id": "ord-1", "amount": "1.00"}).encode()

        status, response = send(http, "POST", "/payments/webhook", raw, None)

        assert 400 <= status < 500, (status, response)
