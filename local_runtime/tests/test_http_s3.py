"""S3 for browsers: a function's presigned POST and GET name the runtime's S3 port, and a plain socket client
(as a browser, not the in-process SDK) uploads with the form, fires the bucket's notification, downloads with
the link and sees S3's own errors, all answered by moto."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from local_runtime.provision.storage import cors_configuration
from local_runtime.s3_endpoint import url_host

from local_runtime import LocalRuntime

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub uploads-${AWS::AccountId}
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [POST]
            AllowedOrigins: ["http://localhost:5173"]
            AllowedHeaders: ["*"]
            MaxAge: 3000
  Presign:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: presign/
      Handler: app.handler
      Runtime: python3.13
      Environment:
        Variables:
          BUCKET: !Ref Uploads
  OnUpload:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: seen/
      Handler: app.handler
      Runtime: python3.13
      Environment:
        Variables:
          SEEN_FILE: "{seen}"
      Events:
        Uploaded:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
"""
PRESIGN = """
import os

import boto3


def handler(event, context):
    s3 = boto3.client("s3")
    bucket = os.environ["BUCKET"]
    post = s3.generate_presigned_post(
        Bucket=bucket,
        Key=event["key"],
        Fields={"Content-Type": "application/pdf"},
        Conditions=[{"Content-Type": "application/pdf"}, ["content-length-range", 1, 1000]],
        ExpiresIn=60,
    )
    get = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": event["key"]}, ExpiresIn=60)
    return {"post": post, "get": get}
"""
SEEN = """
import os


def handler(event, context):
    with open(os.environ["SEEN_FILE"], "a") as seen:
        seen.writelines(r["s3"]["object"]["key"] + "\\n" for r in event["Records"])
"""
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("s3app")
    for name, code in (("presign", PRESIGN), ("seen", SEEN)):
        (root / name).mkdir()
        (root / name / "app.py").write_text(code)
    seen = root / "seen.txt"
    (root / "template.yaml").write_text(TEMPLATE.replace("{seen}", str(seen)))
    with LocalRuntime(root / "template.yaml", port=0) as rt:
        yield rt, seen


def _multipart(fields: dict[str, str], file_name: str, content: bytes) -> tuple[bytes, str]:
    """A browser's multipart/form-data body: the policy fields first, the file last (S3 requires it)."""
    boundary = f"----form{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _send(url: str, data: bytes | None = None, content_type: str | None = None, **kwargs: Any) -> tuple[int, bytes]:
    status, _, body = _exchange(url, data, content_type, **kwargs)
    return status, body


def _exchange(
    url: str,
    data: bytes | None = None,
    content_type: str | None = None,
    *,
    method: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def _presigned(rt: LocalRuntime, key: str) -> dict[str, Any]:
    result = rt.invoke("Presign", {"key": key})
    assert not result.errored, result.payload
    return json.loads(result.payload) if isinstance(result.payload, (str, bytes)) else result.payload


def test_a_browser_uploads_with_the_presigned_post_and_the_notification_fires(app: Any) -> None:
    rt, seen = app
    assert rt.s3 is not None and rt.s3.url.startswith("http://127.0.0.1:")
    links = _presigned(rt, "in/cv.pdf")
    post = links["post"]
    assert post["url"] == f"{rt.s3.url}/{rt.physical_id('Uploads')}"

    body, content_type = _multipart(post["fields"], "cv.pdf", PDF)
    status, answer = _send(post["url"], body, content_type)

    assert status == 204, answer
    stored = rt.client("s3").get_object(Bucket=rt.physical_id("Uploads"), Key="in/cv.pdf")
    assert stored["Body"].read() == PDF and stored["ContentType"] == "application/pdf"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not seen.exists():
        time.sleep(0.02)
    assert [unquote_plus(key) for key in seen.read_text().splitlines()] == ["in/cv.pdf"]  # S3 encodes keys


def test_a_browser_downloads_with_the_presigned_get(app: Any) -> None:
    rt, _ = app
    rt.client("s3").put_object(Bucket=rt.physical_id("Uploads"), Key="docs/a b.pdf", Body=PDF)
    links = _presigned(rt, "docs/a b.pdf")

    assert links["get"].startswith(f"{rt.s3.url}/")
    assert _send(links["get"]) == (200, PDF)


def test_s3_errors_from_moto_pass_through(app: Any) -> None:
    rt, _ = app
    links = _presigned(rt, "docs/never-uploaded.pdf")

    status, body = _send(links["get"])
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body

    form, content_type = _multipart(links["post"]["fields"], "cv.pdf", PDF)
    status, body = _send(f"{rt.s3.url}/no-such-bucket", form, content_type)
    assert status == 404 and b"<Code>NoSuchBucket</Code>" in body


def test_the_bucket_cors_rules_answer_a_browsers_preflight_and_upload(app: Any) -> None:
    rt, _ = app
    links = _presigned(rt, "in/cors.pdf")
    origin = {"Origin": "http://localhost:5173"}
    preflight = {**origin, "Access-Control-Request-Method": "POST"}

    status, headers, _ = _exchange(links["post"]["url"], method="OPTIONS", headers=preflight)
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == "http://localhost:5173"

    form, content_type = _multipart(links["post"]["fields"], "cors.pdf", PDF)
    status, headers, _ = _exchange(links["post"]["url"], form, content_type, headers=origin)
    assert status == 204 and headers.get("Access-Control-Allow-Origin") == "http://localhost:5173"

    other = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    status, headers, _ = _exchange(links["post"]["url"], method="OPTIONS", headers=other)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_the_endpoint_puts_back_the_process_environment_and_the_next_runtime_listens_where_it_did(
    tmp_path: Path,
) -> None:
    """boto3 clients outlive a runtime (the layer caches them per process): a client built under the first
    runtime still reaches S3 under the next one, which listens on the same port."""
    (tmp_path / "presign").mkdir()
    (tmp_path / "presign" / "app.py").write_text(PRESIGN)
    (tmp_path / "seen").mkdir()
    (tmp_path / "seen" / "app.py").write_text(SEEN)
    (tmp_path / "template.yaml").write_text(TEMPLATE.replace("{seen}", str(tmp_path / "seen.txt")))
    from local_runtime import environ

    with LocalRuntime(tmp_path / "template.yaml", port=0) as rt:
        assert rt.s3 is not None and environ.base()["AWS_ENDPOINT_URL_S3"] == rt.s3.url
        url = rt.s3.url
        cached = boto3.client("s3", region_name="eu-central-1")  # as a cache would keep it
    assert "AWS_ENDPOINT_URL_S3" not in environ.base()
    assert url in environ.base()["MOTO_S3_CUSTOM_ENDPOINTS"].split(",")  # moto still answers a cached client

    with LocalRuntime(tmp_path / "template.yaml", port=0) as again:
        assert again.s3 is not None and again.s3.url == url
        bucket = again.physical_id("Uploads")
        cached.put_object(Bucket=bucket, Key="later.txt", Body=b"still reaches S3")
        assert again.client("s3").get_object(Bucket=bucket, Key="later.txt")["Body"].read() == b"still reaches S3"


@pytest.mark.parametrize(
    ("bind", "named"),
    [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("localhost", "127.0.0.1"), ("::1", "[::1]")],
)
def test_presigned_urls_name_an_ip_so_botocore_keeps_path_style(bind: str, named: str) -> None:
    assert url_host(bind) == named


def test_cloudformation_cors_becomes_put_bucket_cors_shape() -> None:
    cfn = {"CorsRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["http://a"], "MaxAge": 30, "Id": "x"}]}
    assert cors_configuration(cfn) == {
        "CORSRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["http://a"], "MaxAgeSeconds": 30, "ID": "x"}]
    }
    assert cors_configuration({}) == {}
