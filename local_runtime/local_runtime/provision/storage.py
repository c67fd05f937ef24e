"""S3 buckets (versioning, notifications, CORS) and CloudWatch Logs log groups."""

from __future__ import annotations

from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler


def bucket(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("BucketName") or ctx.stack.generated_name(res.logical_id, 63).lower()
    region = ctx.stack.region
    s3 = ctx.client("s3")
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if p.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    notifications = notification_configuration(p.get("NotificationConfiguration") or {})
    if notifications:
        # SAM's ``Events: Type: S3`` becomes this property (plus an AWS::Lambda::Permission): moto then calls
        # the function on every matching object, through the Lambda seam (lambda_bridge: asynchronously).
        s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration=notifications)
    cors = cors_configuration(p.get("CorsConfiguration") or {})
    if cors:
        # Browsers reach buckets through the runtime's S3 port (s3_endpoint): moto answers their preflight
        # and adds Access-Control-* headers from these rules, as S3 does.
        s3.put_bucket_cors(Bucket=name, CORSConfiguration=cors)
    res.physical_id = name
    res.attributes.update(
        Arn=f"arn:aws:s3:::{name}",
        DomainName=f"{name}.s3.amazonaws.com",
        RegionalDomainName=f"{name}.s3.{region}.amazonaws.com",
        DualStackDomainName=f"{name}.s3.dualstack.{region}.amazonaws.com",
        WebsiteURL=f"http://{name}.s3-website-{region}.amazonaws.com",
    )


# CloudFormation's NotificationConfiguration keys -> the S3 API's (and the target key inside each).
_TARGETS = {
    "LambdaConfigurations": ("LambdaFunctionConfigurations", "Function", "LambdaFunctionArn"),
    "QueueConfigurations": ("QueueConfigurations", "Queue", "QueueArn"),
    "TopicConfigurations": ("TopicConfigurations", "Topic", "TopicArn"),
}


def notification_configuration(cfn: dict[str, object]) -> dict[str, object]:
    """A bucket's ``NotificationConfiguration`` in PutBucketNotificationConfiguration's shape: ``Event`` ->
    ``Events``, ``Filter.S3Key.Rules`` -> ``Filter.Key.FilterRules``; EventBridge stays as it is."""
    api: dict[str, Any] = {}
    for cfn_key, (api_key, target, api_target) in _TARGETS.items():
        entries: Any = cfn.get(cfn_key) or []
        for entry in entries:
            converted: dict[str, Any] = {api_target: entry[target], "Events": [entry["Event"]]}
            rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:
                converted["Filter"] = {
                    "Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}
                }
            api.setdefault(api_key, []).append(converted)
    if "EventBridgeConfiguration" in cfn:
        api["EventBridgeConfiguration"] = {}
    return api


# CloudFormation's CorsRule keys -> PutBucketCors's.
_CORS_RULE_KEYS = {
    "AllowedHeaders": "AllowedHeaders",
    "AllowedMethods": "AllowedMethods",
    "AllowedOrigins": "AllowedOrigins",
    "ExposedHeaders": "ExposeHeaders",
    "Id": "ID",
    "MaxAge": "MaxAgeSeconds",
}


def cors_configuration(cfn: dict[str, object]) -> dict[str, object]:
    """A bucket's ``CorsConfiguration`` in PutBucketCors's shape (``CorsRules`` -> ``CORSRules``, ``MaxAge`` ->
    ``MaxAgeSeconds``, ``ExposedHeaders`` -> ``ExposeHeaders``, ``Id`` -> ``ID``); {} when it has no rule."""
    rules: Any = cfn.get("CorsRules") or []
    converted = [{_CORS_RULE_KEYS[k]: v for k, v in rule.items() if k in _CORS_RULE_KEYS} for rule in rules]
    return {"CORSRules": converted} if converted else {}


def log_group(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("LogGroupName") or ctx.stack.generated_name(res.logical_id, 512)
    ctx.client("logs").create_log_group(logGroupName=name)
    res.physical_id = name
    res.attributes["Arn"] = ctx.stack.arn("logs", f"log-group:{name}:*")


HANDLERS: dict[str, Handler] = {"AWS::S3::Bucket": bucket, "AWS::Logs::LogGroup": log_group}
