"""SQS queues (redrive, FIFO) and queue policies, SNS topics and subscriptions."""

from __future__ import annotations

import json
from typing import Any

from local_runtime.template import Resource

from .records import Context, Handler, as_str, is_true

_SQS_ATTRS = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


def queue(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    fifo = is_true(p.get("FifoQueue", False))
    name = p.get("QueueName") or (ctx.stack.generated_name(res.logical_id, 75) + (".fifo" if fifo else ""))
    attrs = {k: as_str(p[k]) for k in _SQS_ATTRS if k in p}
    if not fifo:
        attrs.pop("FifoQueue", None)
    url = ctx.client("sqs").create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    res.physical_id = url
    res.attributes.update(Arn=ctx.stack.arn("sqs", name), QueueName=name, QueueUrl=url)


def queue_policy(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    sqs = ctx.client("sqs")
    for url in p.get("Queues") or []:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(p.get("PolicyDocument", {}))})
    res.physical_id = ctx.stack.generated_name(res.logical_id)


def topic(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    name = p.get("TopicName") or ctx.stack.generated_name(res.logical_id, 256)
    attrs = {k: as_str(p[k]) for k in ("FifoTopic", "ContentBasedDeduplication", "DisplayName") if k in p}
    arn = ctx.client("sns").create_topic(Name=name, Attributes=attrs)["TopicArn"]
    res.physical_id = arn
    res.attributes.update(TopicArn=arn, TopicName=name)


def subscription(ctx: Context, res: Resource, p: dict[str, Any]) -> None:
    kwargs = {"TopicArn": p["TopicArn"], "Protocol": p["Protocol"], "Endpoint": p.get("Endpoint", "")}
    if "FilterPolicy" in p:
        kwargs["Attributes"] = {"FilterPolicy": as_str(p["FilterPolicy"])}
    res.physical_id = ctx.client("sns").subscribe(**kwargs)["SubscriptionArn"]


HANDLERS: dict[str, Handler] = {
    "AWS::SQS::Queue": queue,
    "AWS::SQS::QueuePolicy": queue_policy,
    "AWS::SNS::Topic": topic,
    "AWS::SNS::Subscription": subscription,
}
