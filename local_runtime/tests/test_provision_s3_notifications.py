"""A SAM ``Events: Type: S3`` reaches its function: the bucket's NotificationConfiguration is provisioned in
moto, and an object under the prefix invokes the function asynchronously (the upload does not wait for it)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote_plus

from local_runtime.provision.storage import notification_configuration

from local_runtime import LocalRuntime

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub uploads-${AWS::AccountId}
  OnUpload:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
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
            Filter: {S3Key: {Rules: [{Name: prefix, Value: in/}]}}
"""
HANDLER = """
import os


def handler(event, context):
    with open(os.environ["SEEN_FILE"], "a") as seen:
        seen.writelines(r["s3"]["object"]["key"] + "\\n" for r in event["Records"])
"""


def test_cloudformation_notifications_become_the_s3_api_shape() -> None:
    cfn = {
        "LambdaConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Function": "arn:f",
                "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "cv/"}]}},
            }
        ],
        "QueueConfigurations": [{"Event": "s3:ObjectRemoved:*", "Queue": "arn:q"}],
    }
    assert notification_configuration(cfn) == {
        "LambdaFunctionConfigurations": [
            {
                "LambdaFunctionArn": "arn:f",
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "cv/"}]}},
            }
        ],
        "QueueConfigurations": [{"QueueArn": "arn:q", "Events": ["s3:ObjectRemoved:*"]}],
    }


def test_an_object_under_the_prefix_invokes_the_function_and_others_do_not(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text(HANDLER)
    template = tmp_path / "template.yaml"
    seen = tmp_path / "seen.txt"
    template.write_text(TEMPLATE.replace("{seen}", str(seen)))
    with LocalRuntime(template, serve_http=False) as rt:
        s3, bucket = rt.client("s3"), rt.physical_id("Uploads")
        configured = s3.get_bucket_notification_configuration(Bucket=bucket)["LambdaFunctionConfigurations"]
        assert configured[0]["LambdaFunctionArn"].endswith(rt.physical_id("OnUpload"))
        s3.put_object(Bucket=bucket, Key="elsewhere/a.txt", Body=b"x")
        s3.put_object(Bucket=bucket, Key="in/b.txt", Body=b"x")
        assert rt.wait_idle(5)
        # the key arrives URL-encoded, as S3 sends it (moto encodes "/" too)
        assert [unquote_plus(key) for key in seen.read_text().splitlines()] == ["in/b.txt"]
