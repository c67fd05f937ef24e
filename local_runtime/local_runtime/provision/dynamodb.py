"""DynamoDB tables: keys, billing, GSIs/LSIs, streams (the real moto stream ARN) and TTL."""

from __future__ import annotations

from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler, is_true

_DEFAULT_THROUGHPUT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


def _throughput(spec: dict[str, Any] | None) -> dict[str, int]:
    return {k: int(v) for k, v in (spec or _DEFAULT_THROUGHPUT).items()}


def _index(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: spec[k] for k in ("IndexName", "KeySchema", "Projection") if k in spec}


def table(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("TableName") or ctx.stack.generated_name(res.logical_id, 255)
    billing = p.get("BillingMode", "PROVISIONED")
    provisioned = billing == "PROVISIONED"
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": p["KeySchema"],
        "AttributeDefinitions": p["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if provisioned:
        kwargs["ProvisionedThroughput"] = _throughput(p.get("ProvisionedThroughput"))
    gsis = []
    for g in p.get("GlobalSecondaryIndexes") or []:
        gsi = _index(g)
        if provisioned:
            gsi["ProvisionedThroughput"] = _throughput(g.get("ProvisionedThroughput"))
        gsis.append(gsi)
    if gsis:
        kwargs["GlobalSecondaryIndexes"] = gsis
    lsis = [_index(g) for g in p.get("LocalSecondaryIndexes") or []]
    if lsis:
        kwargs["LocalSecondaryIndexes"] = lsis
    stream = p.get("StreamSpecification")
    if stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    ddb = ctx.client("dynamodb")
    desc = ddb.create_table(**kwargs)["TableDescription"]
    ttl = p.get("TimeToLiveSpecification")
    if ttl and is_true(ttl.get("Enabled")):
        ddb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
    res.physical_id = name
    res.attributes["Arn"] = desc["TableArn"]
    if "LatestStreamArn" in desc:
        res.attributes["StreamArn"] = desc["LatestStreamArn"]


HANDLERS: dict[str, Handler] = {"AWS::DynamoDB::Table": table}
