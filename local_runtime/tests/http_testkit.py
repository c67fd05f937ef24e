"""Helpers for the HTTP-side tests: translate a small SAM template exactly as the runtime would."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from local_runtime.apigateway import RouteTable, load_route_table
from local_runtime.template import translate as runtime_translate

REGION = "us-east-1"
ACCOUNT = "123456789012"
POOL_ID = f"{REGION}_TestPool1"
POOL_ARN = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL_ID}"


def translate(sam: dict[str, Any]) -> dict[str, Any]:
    """samtranslator output (intrinsics kept) for a template whose code lives in S3 placeholders.

    Through the runtime's own ``translate``, so the tests see what the runtime sees (and the process
    environment stays untouched).
    """
    sam = copy.deepcopy(sam)
    for res in sam["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            res["Properties"].setdefault("CodeUri", "s3://bucket/key")
            res["Properties"].setdefault("Runtime", "python3.13")
            res["Properties"].setdefault("Handler", "app.handler")
    return runtime_translate(sam, {}, REGION)["Resources"]


def fake_resolve(value: Any) -> Any:
    """Just enough intrinsic resolution for route tables: the user pool ARN and plain values."""
    if isinstance(value, dict):
        if value == {"Fn::GetAtt": ["UserPool", "Arn"]}:
            return POOL_ARN
        if set(value) == {"Ref"}:
            return "stack" if value["Ref"] == "AWS::StackName" else value["Ref"]
        return {k: fake_resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fake_resolve(v) for v in value]
    return value


def table_for(sam: dict[str, Any]) -> RouteTable:
    return load_route_table(translate(sam), resolve=fake_resolve)


def api_template(extra_api: dict[str, Any] | None = None) -> dict[str, Any]:
    """A generic API: public POST /items, authorized GET /items and /items/{id}, ANY /files/{proxy+}."""
    api_props: dict[str, Any] = {
        "StageName": "test",
        "Auth": {
            "DefaultAuthorizer": "PoolAuth",
            "AddDefaultAuthorizerToCorsPreflight": False,
            "Authorizers": {"PoolAuth": {"UserPoolArn": {"Fn::GetAtt": ["UserPool", "Arn"]}}},
        },
        "GatewayResponses": {
            "UNAUTHORIZED": {
                "StatusCode": 401,
                "ResponseTemplates": {
                    "application/json": '{"error": "unauthorized", "why": $context.error.messageString}'
                },
            },
            "MISSING_AUTHENTICATION_TOKEN": {
                "StatusCode": 404,
                "ResponseTemplates": {"application/json": '{"error": "no route"}'},
            },
        },
    }
    api_props.update(extra_api or {})
    return {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "UserPool": {"Type": "AWS::Cognito::UserPool", "Properties": {}},
            "Api": {"Type": "AWS::Serverless::Api", "Properties": api_props},
            "ItemsFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {
                        "Create": {
                            "Type": "Api",
                            "Properties": {
                                "RestApiId": {"Ref": "Api"},
                                "Path": "/items",
                                "Method": "POST",
                                "Auth": {"Authorizer": "NONE"},
                            },
                        },
                        "List": {
                            "Type": "Api",
                            "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/items", "Method": "GET"},
                        },
                        "Get": {
                            "Type": "Api",
                            "Properties": {
                                "RestApiId": {"Ref": "Api"},
                                "Path": "/items/{id}",
                                "Method": "GET",
                            },
                        },
                        "Special": {
                            "Type": "Api",
                            "Properties": {
                                "RestApiId": {"Ref": "Api"},
                                "Path": "/items/special",
                                "Method": "GET",
                                "Auth": {"Authorizer": "NONE"},
                            },
                        },
                    }
                },
            },
            "FilesFunction": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {
                        "Any": {
                            "Type": "Api",
                            "Properties": {
                                "RestApiId": {"Ref": "Api"},
                                "Path": "/files/{proxy+}",
                                "Method": "ANY",
                                "Auth": {"Authorizer": "NONE"},
                            },
                        },
                    }
                },
            },
        },
    }


@dataclass
class FakeResult:
    payload: Any
    errored: bool = False


@dataclass
class FakeInvoker:
    """Records events; answers with ``reply(function, event)``."""

    reply: Any = None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, function: str, event: dict[str, Any]) -> FakeResult:
        self.calls.append((function, event))
        if callable(self.reply):
            return self.reply(function, event)
        return FakeResult(self.reply if self.reply is not None else {"statusCode": 200, "body": "{}"})
