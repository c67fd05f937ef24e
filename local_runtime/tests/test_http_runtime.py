"""Over real HTTP against ``LocalRuntime`` on port 0 with the generic fixture app in ``http_app/``."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from local_runtime import LocalRuntime

TEMPLATE = Path(__file__).parent / "http_app" / "template.yaml"


@pytest.fixture(scope="module")
def rt() -> Iterator[LocalRuntime]:
    # A sped-up clock, as the e2e tests use: tokens must still verify (they live on wall-clock time).
    runtime = LocalRuntime(TEMPLATE, port=0, clock_speed=1000)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.stop()


class Client:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def request(
        self, method: str, path: str, body: bytes | str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes, http.client.HTTPResponse]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data, response
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        payload = json.dumps(body) if body is not None else None
        status, _, data, _ = self.request(
            method, path, payload, {"Content-Type": "application/json", **(headers or {})}
        )
        return status, json.loads(data) if data else None


@pytest.fixture(scope="module")
def client(rt: LocalRuntime) -> Client:
    return Client(rt.url)


def _token(client: Client, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    status, body = client.json("GET", f"/_local/token?{query}")
    assert status == 200
    return body["token"]


def test_runtime_serves_on_the_bound_port(rt: LocalRuntime) -> None:
    assert rt.port != 0 and rt.url == f"http://127.0.0.1:{rt.port}"
    routes = {(r["method"], r["path"]): r for r in rt.summary()["routes"]}
    assert routes["ANY", "/echo/{proxy+}"]["function"] == "EchoFunction"
    assert routes["GET", "/items"]["auth"] == "PoolAuth" and routes["POST", "/items"]["auth"] == "public"


def test_public_proxy_route_gets_an_api_gateway_event(client: Client) -> None:
    status, headers, data, _ = client.request(
        "PUT",
        "/echo/a/b%20c?x=1&x=2",
        body=b'{"k": 1}',
        headers={"Content-Type": "application/json", "X-Correlation-Id": "corr-42"},
    )
    assert status == 200 and headers["x-echo"] == "echo"
    event = json.loads(data)
    assert event["resource"] == "/echo/{proxy+}" and event["httpMethod"] == "PUT"
    assert event["path"] == "/echo/a/b%20c" and event["pathParameters"] == {"proxy": "a/b c"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["headers"]["X-Correlation-Id"] == "corr-42"
    assert event["body"] == '{"k": 1}' and event["isBase64Encoded"] is False
    assert event["stageVariables"] == {"flavour": "local"}
    ctx = event["requestContext"]
    assert ctx["stage"] == "test" and ctx["path"] == "/test/echo/a/b%20c" and ctx["accountId"] == "123456789012"
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"


def test_multi_value_response_headers_reach_the_client(client: Client) -> None:
    _, _, _, response = client.request("GET", "/echo/x")
    assert response.headers.get_all("Set-Cookie") == ["a=1", "b=2"]


def test_request_id_is_fresh_per_request(client: Client) -> None:
    ids = {json.loads(client.request("GET", "/echo/x")[2])["requestContext"]["requestId"] for _ in range(3)}
    assert len(ids) == 3


def test_cognito_authorizer_with_local_tokens(client: Client) -> None:
    status, body = client.json("GET", "/items")
    assert status == 401 and body == {"error": "unauthorized", "reason": "Unauthorized"}
    token = _token(client, sub="user-7", groups="alpha,beta", email="u@fixture.example")
    status, body = client.json("GET", "/items", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and body == [{"item_id": "1", "name": "alpha,beta"}]
    status, _ = client.json("GET", "/items", headers={"Authorization": token})  # bare token
    assert status == 200
    status, body = client.json("GET", "/private/thing", headers={"Authorization": f"Bearer {token}"})
    claims = body["requestContext"]["authorizer"]["claims"]
    assert claims["sub"] == "user-7" and claims["cognito:groups"] == "alpha,beta" and claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())


def test_expired_token_is_refused_with_the_templates_response(client: Client) -> None:
    token = _token(client, sub="u", ttl="-10")
    status, body = client.json("GET", "/items", headers={"Authorization": f"Bearer {token}"})
    assert status == 401 and body["reason"] == "The incoming token has expired"


def test_unknown_route_and_method_use_missing_authentication_token(client: Client) -> None:
    assert client.json("GET", "/nowhere") == (404, {"error": "no_route"})
    assert client.json("DELETE", "/items") == (404, {"error": "no_route"})


@pytest.mark.parametrize("method", ["TRACE", "FOO", "PATCH", "get", "PROPFIND"])
def test_methods_no_route_has_get_the_gateway_answer_not_the_stdlibs_501(client: Client, method: str) -> None:
    assert client.json(method, "/items") == (404, {"error": "no_route"})
    assert client.json(method, "/nowhere") == (404, {"error": "no_route"})


def test_handler_error_and_malformed_response_are_502(client: Client) -> None:
    for path in ("/echo/fail/raise", "/echo/fail/malformed"):
        assert client.json("GET", path) == (502, {"message": "Internal server error"})


def test_binary_body_round_trip(client: Client) -> None:
    payload = bytes(range(256))
    status, headers, data, _ = client.request(
        "POST", "/echo/binary", payload, {"Content-Type": "application/octet-stream"}
    )
    assert status == 200 and data == payload[::-1] and headers["content-type"] == "application/octet-stream"


def test_cors_preflight(client: Client) -> None:
    status, headers, _, _ = client.request("OPTIONS", "/items/5")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert headers["access-control-allow-headers"] == "Content-Type,Authorization"


def test_powertools_validation_goes_through(client: Client) -> None:
    assert client.json("POST", "/items", {"name": "x"}) == (200, {"item_id": "1", "name": "x"})
    status, _ = client.json("POST", "/items", {"name": ""})
    assert status == 422


def test_body_over_ten_megabytes_is_413_without_reading_it(rt: LocalRuntime) -> None:
    with socket.create_connection(("127.0.0.1", rt.port), timeout=5) as sock:
        sock.sendall(
            b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485761\r\n\r\n"
        )
        reply = sock.recv(65536).decode()
    assert reply.startswith("HTTP/1.1 413") and "Request Too Long" in reply


def test_chunked_request_bodies_are_read(rt: LocalRuntime) -> None:
    with socket.create_connection(("127.0.0.1", rt.port), timeout=5) as sock:
        sock.sendall(
            b"POST /echo/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert body["body"] == "hello world"


def test_concurrent_requests(client: Client) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(5):
            status = client.request("GET", "/echo/concurrent")[0]
            with lock:
                results.append(status)

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 40


def test_local_index_and_unknown_local_endpoint(client: Client) -> None:
    status, body = client.json("GET", "/_local/")
    assert status == 200 and any(e["path"] == "/_local/emails" for e in body["endpoints"])
    status, body = client.json("GET", "/_local/nope")
    assert status == 404 and body["endpoints"]


def test_sent_emails_are_listed_newest_first(client: Client) -> None:
    client.json("POST", "/send", {"to": "first@fixture.example", "subject": "one"})
    client.json("POST", "/send", {"to": "second@fixture.example", "subject": "two", "raw": True})
    status, body = client.json("GET", "/_local/emails")
    assert status == 200
    newest, older = body["emails"][0], body["emails"][1]
    assert newest["subject"] == "two" and newest["to"] == ["second@fixture.example"]
    assert newest["text"].strip() == "text part" and newest["html"].strip() == "<p>html part</p>"
    assert older["subject"] == "one" and older["from"] == "sender@fixture.example" and older["text"] == "hello"


def test_schedules_list_and_fire(rt: LocalRuntime, client: Client) -> None:
    status, body = client.json("GET", "/_local/schedules")
    assert status == 200 and any(s["name"] == "fixture-nightly" for s in body["schedules"])
    status, body = client.json("POST", "/_local/schedules/fixture-nightly/fire")
    assert status == 200 and body["fired"] == "fixture-nightly"
    status, emails = client.json("GET", "/_local/emails")
    assert emails["emails"][0]["subject"] == "nightly"
    status, body = client.json("POST", "/_local/schedules/nope/fire")
    assert status == 404 and "fixture-nightly" in body["schedules"]


def test_events_endpoint(rt: LocalRuntime, client: Client) -> None:
    bus = rt.physical_id("Api")  # any string; events go to the default bus
    rt.client("events").put_events(
        Entries=[
            {"Source": "fixture.test", "DetailType": "Ping", "Detail": '{"n": 1}'},
            {"Source": "fixture.test", "DetailType": "Ping", "Detail": '{"n": 2}'},
        ]
    )
    status, body = client.json("GET", "/_local/events?limit=1")
    assert status == 200 and len(body["events"]) == 1 and body["events"][0]["detail"] == {"n": 2}
    assert bus


def _inbound(to: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Someone <someone@outside.example>"
    msg["To"] = to
    msg["Subject"] = "Inbound"
    msg.set_content("body text")
    return msg.as_bytes()


def test_inbound_email_is_stored_and_handed_to_the_function(rt: LocalRuntime, client: Client) -> None:
    inbox = rt.lambdas.module_for("InboxFunction")
    inbox.RECEIVED.clear()
    status, _, data, _ = client.request("POST", "/_local/inbound-email", _inbound("desk@inbound.fixture.example"))
    result = json.loads(data)
    assert status == 202 and result["recipients"] == ["desk@inbound.fixture.example"]
    actions = result["rules"][0]["actions"]
    assert actions[0]["type"] == "S3" and actions[0]["objectKey"] == f"incoming/{result['messageId']}"
    stored = rt.client("s3").get_object(Bucket=actions[0]["bucketName"], Key=actions[0]["objectKey"])["Body"].read()
    assert b"Subject: Inbound" in stored and b"body text" in stored
    record = inbox.RECEIVED[-1]["Records"][0]
    assert record["eventSource"] == "aws:ses" and record["ses"]["mail"]["messageId"] == result["messageId"]
    assert record["ses"]["receipt"]["action"]["functionArn"] == rt.lambdas.spec("InboxFunction").arn
    assert record["ses"]["receipt"]["action"]["invocationType"] == "RequestResponse"


def test_inbound_email_uses_the_runtimes_cached_client(
    rt: LocalRuntime, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    def no_new_clients(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a new boto3 client per request")

    monkeypatch.setattr(boto3, "client", no_new_clients)
    status, _, data, _ = client.request("POST", "/_local/inbound-email", _inbound("x@inbound.fixture.example"))
    assert status == 202, data


def test_inbound_email_without_matching_rule_is_422(client: Client) -> None:
    status, _, data, _ = client.request("POST", "/_local/inbound-email", _inbound("x@elsewhere.example"))
    assert status == 422 and "x@elsewhere.example" in json.loads(data)["message"]


def test_openapi_document_merges_resolver_schemas_with_template_security(client: Client) -> None:
    status, doc = client.json("GET", "/_local/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    # SAM titles the API with the stack name ("local"), so the title comes from the template's
    # Description: its first line, up to the colon ("Fixture: a generic app ...").
    assert doc["info"]["title"] == "Fixture"
    assert "/not-in-template" not in doc["paths"]  # the template does not route it
    assert doc["paths"]["/items"]["post"]["security"] == []
    assert doc["paths"]["/items"]["get"]["security"] == [{"PoolAuth": []}]
    assert doc["paths"]["/items/{item_id}"]["get"]["summary"] == "Get one item"
    assert "NewItem" in doc["components"]["schemas"]
    assert doc["components"]["securitySchemes"]["PoolAuth"]["scheme"] == "bearer"
    # EchoFunction has no resolver: its routes still appear, as stubs
    assert "/echo/{proxy}" in doc["paths"] and "/private/{thing}" in doc["paths"]
    assert doc["paths"]["/private/{thing}"]["get"]["security"] == [{"PoolAuth": []}]


def test_docs_page_loads_swagger_ui(client: Client) -> None:
    status, headers, data, _ = client.request("GET", "/_local/docs")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"swagger-ui" in data and b"/_local/openapi.json" in data


def test_head_has_no_body(client: Client) -> None:
    status, headers, data, _ = client.request("HEAD", "/echo/x")
    assert status == 200 and data == b"" and int(headers["content-length"]) > 0


def test_base64_reply_is_decoded(client: Client) -> None:
    status, _, data, _ = client.request(
        "POST", "/echo/binary", base64.b64decode("AAEC"), {"Content-Type": "application/octet-stream"}
    )
    assert status == 200 and data == b"\x02\x01\x00"
