"""Echoes the event back; ``/echo/fail/raise`` raises and ``/echo/fail/malformed`` returns a bad response."""

import base64
import json
import os


def handler(event, context):
    path = event["path"]
    if path.endswith("/fail/raise"):
        raise ValueError("asked to fail")
    if path.endswith("/fail/malformed"):
        return {"statusCode": 200, "body": {"not": "a string"}}
    if path.endswith("/binary"):
        raw = base64.b64decode(event["body"]) if event["isBase64Encoded"] else (event["body"] or "").encode()
        return {
            "statusCode": 200,
            "headers": {"Content-Type": "application/octet-stream"},
            "body": base64.b64encode(raw[::-1]).decode(),
            "isBase64Encoded": True,
        }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Echo": os.environ.get("ECHO_NAME", "")},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": json.dumps(event),
    }
