"""Types nothing needs created in moto: the runtime serves them from the stack model (API Gateway,
SES receipt rules) or ignores them (permissions, policies). They get CloudFormation-shaped ids
and attributes, so ``Ref``/``GetAtt`` of dependents resolve as on AWS.
"""

from __future__ import annotations

from typing import Any

from local_runtime.template import Resource

from .records import Context

MODEL_ONLY = {
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::Model",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::Lambda::Permission",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::SES::ReceiptRuleSet",
    "AWS::SES::ReceiptRule",
}


def _api(ctx: Context, res: Resource, p: dict[str, Any]) -> str:
    st = ctx.stack
    api_id = st.short_id(res.logical_id)
    res.attributes["RootResourceId"] = st.short_id(res.logical_id + "/root")
    res.attributes["ApiEndpoint"] = f"https://{api_id}.execute-api.{st.region}.amazonaws.com"
    res.attributes["ApiId"] = api_id
    return api_id


def _layer_version(ctx: Context, res: Resource, p: dict[str, Any]) -> str:
    st = ctx.stack
    arn = st.arn("lambda", f"layer:{p.get('LayerName') or st.generated_name(res.logical_id, 140)}:1")
    res.attributes["LayerVersionArn"] = arn
    if res.logical_id in st.code_dirs:
        ctx.out.layer_dirs[arn] = st.code_dirs[res.logical_id]
    return arn


def _managed_policy(ctx: Context, res: Resource, p: dict[str, Any]) -> str:
    name = p.get("ManagedPolicyName") or ctx.stack.generated_name(res.logical_id)
    return f"arn:aws:iam::{ctx.stack.account_id}:policy/{name}"


def _named(key: str) -> Any:
    """The id is the named property (``Ref`` returns the name), else a generated name."""
    return lambda ctx, res, p: p.get(key) or ctx.stack.generated_name(res.logical_id)


_IDS = {
    "AWS::ApiGateway::RestApi": _api,
    "AWS::ApiGatewayV2::Api": _api,
    "AWS::ApiGateway::Stage": lambda ctx, res, p: p.get("StageName") or res.logical_id,
    "AWS::ApiGatewayV2::Stage": lambda ctx, res, p: p.get("StageName") or res.logical_id,
    "AWS::Lambda::LayerVersion": _layer_version,
    "AWS::Lambda::Version": lambda ctx, res, p: f"{p.get('FunctionName')}:1",
    "AWS::Lambda::Alias": lambda ctx, res, p: f"{p.get('FunctionName')}:{p.get('Name')}",
    "AWS::IAM::ManagedPolicy": _managed_policy,
    "AWS::SES::ReceiptRuleSet": _named("RuleSetName"),
    "AWS::SES::ReceiptRule": lambda ctx, res, p: _named("Name")(ctx, res, p.get("Rule") or {}),
}


def physical_id(ctx: Context, res: Resource) -> str:
    """The id (and attributes) CloudFormation would give ``res``; a generated name for any other type."""
    make = _IDS.get(res.type)
    return make(ctx, res, res.properties) if make else ctx.stack.generated_name(res.logical_id)
