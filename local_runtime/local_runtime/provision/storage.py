"""S3 buckets (versioning) and CloudWatch Logs log groups."""

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
    res.physical_id = name
    res.attributes.update(
        Arn=f"arn:aws:s3:::{name}",
        DomainName=f"{name}.s3.amazonaws.com",
        RegionalDomainName=f"{name}.s3.{region}.amazonaws.com",
        DualStackDomainName=f"{name}.s3.dualstack.{region}.amazonaws.com",
        WebsiteURL=f"http://{name}.s3-website-{region}.amazonaws.com",
    )


def log_group(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("LogGroupName") or ctx.stack.generated_name(res.logical_id, 512)
    ctx.client("logs").create_log_group(logGroupName=name)
    res.physical_id = name
    res.attributes["Arn"] = ctx.stack.arn("logs", f"log-group:{name}:*")


HANDLERS: dict[str, Handler] = {"AWS::S3::Bucket": bucket, "AWS::Logs::LogGroup": log_group}
