"""The HTTP edge answers every failure in the JSON error shape, with the right status."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict
from tandem.shared.auth import require_groups
from tandem.shared.errors import HTTP_STATUS, Conflict, DomainError, NotFound, PersistenceError, http_status
from tandem.shared.http import make_resolver


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    count: int


app = make_resolver()


@app.post("/things")
def create(body: Body) -> dict:
    if body.name == "boom":
        raise RuntimeError("secret internals /var/task/app.py")
    if body.name == "taken":
        raise Conflict("Name taken")
    return {"ok": True}


@app.get("/private", middlewares=[require_groups("sales")])
def private(limit: Annotated[int, Query(ge=1, le=10)] = 5) -> dict:
    return {"limit": limit}


@app.post("/private-things", middlewares=[require_groups("sales")])
def create_private(body: Body) -> dict:
    return {"ok": True}


@app.put("/private-things/<thing_id>", middlewares=[require_groups("sales")])
def replace_private(thing_id: Annotated[str, Path(max_length=5)], body: Body) -> dict:
    return {"ok": True}


@app.get("/busy")
def busy() -> dict:
    raise PersistenceError("TransactWriteItems failed: ProvisionedThroughputExceededException")


router = Router()


@router.post("/notes", middlewares=[require_groups("hr")])
def create_note(body: Body) -> dict:
    return {"ok": True}


app.include_router(router, prefix="/hr")


def _call(method, path, body=None, headers=None, claims=None, query=None):
    event = {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": headers if headers is not None else ({"Content-Type": "application/json"} if body else {}),
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "requestContext": {
            "requestId": "r1",
            **({"authorizer": {"claims": {"token_use": "id", **claims}}} if claims else {}),
        },
        "body": body,
        "isBase64Encoded": False,
    }
    response = app.resolve(event, None)
    _call.headers = {
        **(response.get("headers") or {}),
        **{k: v[0] for k, v in (response.get("multiValueHeaders") or {}).items()},
    }
    return response["statusCode"], json.loads(response["body"])


def test_each_bad_field_is_named():
    status, body = _call("POST", "/things", json.dumps({"name": 1, "extra": True}))
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {"name", "count", "extra"}


def test_malformed_json_is_a_400():
    status, body = _call("POST", "/things", '{"name": ')
    assert (status, body["error"]["message"]) == (400, "Body is not valid JSON")


def test_oversized_body_is_a_413_before_parsing():
    status, body = _call("POST", "/things", "{" * (64 * 1024 + 1))
    assert status == 413
    assert "64 KiB" in body["error"]["message"]


def test_non_json_content_type_is_a_415():
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, body = _call("POST", "/things", "name=x", headers=form)
    assert (status, body["error"]["code"]) == (415, "unsupported_media_type")


def test_domain_errors_keep_their_status_and_code():
    status, body = _call("POST", "/things", json.dumps({"name": "taken", "count": 1}))
    assert (status, body["error"]["code"], body["error"]["message"]) == (409, "conflict", "Name taken")


def test_unexpected_errors_are_a_generic_500_without_internals():
    status, body = _call("POST", "/things", json.dumps({"name": "boom", "count": 1}))
    assert status == 500
    assert "secret" not in json.dumps(body) and body["error"]["code"] == "internal_error"


def test_unknown_route_is_a_json_404():
    status, body = _call("GET", "/nowhere")
    assert (status, body["error"]["code"]) == (404, "not_found")


def test_authorization_comes_before_validation():
    assert _call("GET", "/private", query={"limit": "abc"})[0] == 401
    assert _call("GET", "/private", query={"limit": "abc"}, claims={"cognito:groups": "hr"})[0] == 403
    assert _call("GET", "/private", query={"limit": "abc"}, claims={"cognito:groups": "sales"})[0] == 422
    allowed = _call("GET", "/private", query={"limit": "3"}, claims={"cognito:groups": "sales"})
    assert allowed == (200, {"limit": 3})


@pytest.mark.parametrize("error, status", [(cls(), code) for cls, code in HTTP_STATUS.items()])
def test_one_table_maps_errors_to_http(error, status):
    assert http_status(error) == status


def test_context_errors_inherit_their_status():
    class LeadMissing(NotFound):
        code = "lead_missing"

    assert http_status(LeadMissing()) == 404
    assert http_status(DomainError()) == 422


INVALID_BODIES = ['{"name": ', json.dumps({"name": 1, "extra": True}), "[]", None]


@pytest.mark.parametrize(
    "method, path", [("POST", "/private-things"), ("PUT", "/private-things/toolongid"), ("POST", "/hr/notes")]
)
@pytest.mark.parametrize("body", INVALID_BODIES)
def test_an_invalid_body_from_a_caller_without_permission_is_401_or_403_never_422(method, path, body):
    assert _call(method, path, body)[0] == 401
    assert _call(method, path, body, claims={"sub": "u", "cognito:groups": "support"})[0] == 403
    assert _call(method, path, body, claims={"sub": "u", "cognito:groups": "sales,hr"})[0] in (400, 422)


def test_the_resolver_knows_each_routes_groups_by_method_and_openapi_path():
    assert app.required_groups("POST", "/private-things") == (frozenset({"sales"}),)
    assert app.required_groups("PUT", "/private-things/{thing_id}") == (frozenset({"sales"}),)
    assert app.required_groups("POST", "/hr/notes") == (frozenset({"hr"}),)
    assert app.required_groups("POST", "/things") == ()


def test_storage_trouble_is_a_503_with_retry_after_and_no_internals():
    status, body = _call("GET", "/busy")
    assert (status, body["error"]["code"]) == (503, "service_unavailable")
    assert _call.headers.get("Retry-After") == "2"
    assert "Throughput" not in json.dumps(body)


root_app = make_resolver(max_body_bytes=16)


@root_app.get("/", middlewares=[require_groups("sales")])
def protected_root(limit: Annotated[int, Query(ge=1, le=10)] = 5) -> dict:
    return {"limit": limit}


@root_app.post("/", middlewares=[require_groups("sales")])
def protected_root_post(body: Body) -> dict:
    return {"ok": True}


@root_app.post("/things/<thing_id>", middlewares=[require_groups("sales")])
def protected_thing(thing_id: str, body: Body) -> dict:
    return {"ok": True}


@root_app.post("/open")
def open_route(body: Body) -> dict:
    return {"ok": True}


def _call_root(method, path, body=None, headers=None, claims=None, query=None):
    event = {
        "httpMethod": method,
        "path": path,
        "resource": path,
        "headers": headers if headers is not None else ({"Content-Type": "application/json"} if body else {}),
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "requestContext": {
            "requestId": "r1",
            **({"authorizer": {"claims": {"token_use": "id", **claims}}} if claims else {}),
        },
        "body": body,
        "isBase64Encoded": False,
    }
    return root_app.resolve(event, None)["statusCode"]


def test_a_protected_root_route_checks_groups_before_validation():
    assert root_app.required_groups("GET", "/") == (frozenset({"sales"}),)
    assert _call_root("GET", "/", query={"limit": "abc"}) == 401
    assert _call_root("GET", "/", query={"limit": "abc"}, claims={"cognito:groups": "hr"}) == 403
    assert _call_root("GET", "/", query={"limit": "abc"}, claims={"cognito:groups": "sales"}) == 422
    assert _call_root("GET", "/", query={"limit": "3"}, claims={"cognito:groups": "sales"}) == 200


TOO_BIG = json.dumps({"name": "x" * 64, "count": 1})
FORM = {"Content-Type": "text/plain"}


@pytest.mark.parametrize("path", ["/", "/things/abc"])
@pytest.mark.parametrize("body, headers, refused", [(TOO_BIG, None, 413), ("{}", FORM, 415)])
def test_size_and_type_refusals_come_after_the_group_check_on_protected_routes(path, body, headers, refused):
    assert _call_root("POST", path, body, headers) == 401
    assert _call_root("POST", path, body, headers, claims={"cognito:groups": "hr"}) == 403
    assert _call_root("POST", path, body, headers, claims={"cognito:groups": "sales"}) == refused


@pytest.mark.parametrize("body, headers, refused", [(TOO_BIG, None, 413), ("{}", FORM, 415)])
def test_public_routes_refuse_size_and_type_without_claims(body, headers, refused):
    assert _call_root("POST", "/open", body, headers) == refused


JSON = {"Content-Type": "application/json"}
VALID = json.dumps({"name": "ok", "count": 1})


@pytest.mark.parametrize(
    "body, code, message",
    [
        ("[" * 10_000 + "]" * 10_000, "json_too_deep", "Body nests deeper than 32 levels"),
        ('{"name": "x", "count": ' + "9" * 5_000 + "}", "json_number_too_long", "Body has a number longer than 100"),
        ('{"name": "x", "count": ' + "9" * 4_301 + "}", "json_number_too_long", "Body has a number longer than 100"),
    ],
)
def test_bodies_that_would_break_the_parser_are_a_400_not_a_500(body, code, message):
    status, answer = _call("POST", "/things", body, headers=JSON)
    assert (status, answer["error"]["code"]) == (400, code)
    assert answer["error"]["message"].startswith(message)


def test_a_number_within_the_limit_but_too_big_for_the_field_is_a_422():
    assert _call("POST", "/things", '{"name": "x", "count": ' + "9" * 100 + "}", headers=JSON)[0] in (200, 422)


@pytest.mark.parametrize("body", ["[" * 10_000, '{"name": "x", "count": ' + "9" * 5_000 + "}"])
def test_json_limits_come_after_the_group_check(body):
    assert _call("POST", "/private-things", body, headers=JSON)[0] == 401
    assert _call("POST", "/private-things", body, headers=JSON, claims={"sub": "u", "cognito:groups": "hr"})[0] == 403
    assert (
        _call("POST", "/private-things", body, headers=JSON, claims={"sub": "u", "cognito:groups": "sales"})[0] == 400
    )


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "APPLICATION/JSON", "Application/Json; charset=utf-8", " application/json ;charset=UTF-8"],
)
@pytest.mark.parametrize("header", ["Content-Type", "content-type", "CONTENT-TYPE"])
def test_json_content_type_matches_in_any_case_with_parameters(header, content_type):
    assert _call("POST", "/things", VALID, headers={header: content_type}) == (200, {"ok": True})


@pytest.mark.parametrize(
    "headers, message",
    [
        ({}, "Content-Type is missing: send the body as application/json"),
        ({"Content-Type": ""}, "Content-Type is missing: send the body as application/json"),
        ({"Content-Type": "text/plain"}, "Send the body as application/json"),
        ({"Content-Type": "application/json-patch+json"}, "Send the body as application/json"),
        ({"Content-Type": "application/jsonx"}, "Send the body as application/json"),
    ],
)
def test_a_body_needs_content_type_application_json(headers, message):
    status, answer = _call("POST", "/things", VALID, headers=headers)
    assert (status, answer["error"]["code"], answer["error"]["message"]) == (415, "unsupported_media_type", message)


def test_a_request_without_a_body_needs_no_content_type():
    assert _call("GET", "/private", claims={"cognito:groups": "sales"}, headers={}) == (200, {"limit": 5})


def test_a_base64_body_is_held_to_the_same_limits():
    import base64

    event_body = base64.b64encode(("[" * 100).encode()).decode()
    status, answer = _call_b64(event_body)
    assert (status, answer["error"]["code"]) == (400, "json_too_deep")
    assert _call_b64("not base64!")[0] == 400


def _call_b64(body):
    event = {
        "httpMethod": "POST",
        "path": "/things",
        "resource": "/things",
        "headers": JSON,
        "multiValueHeaders": {},
        "requestContext": {"requestId": "r1"},
        "body": body,
        "isBase64Encoded": True,
    }
    response = app.resolve(event, None)
    return response["statusCode"], json.loads(response["body"])


def test_every_body_method_documents_the_edges_body_answers():
    from tandem.shared.http import documented_responses

    assert {400, 413, 415} <= set(documented_responses(None, 200, [], "POST"))
    assert {400, 413, 415} <= set(documented_responses(None, 200, [], ["PUT"]))
    assert not {400, 413, 415} & set(documented_responses(None, 200, [], "GET"))
