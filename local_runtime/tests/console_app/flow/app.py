"""Console fixture: a Powertools function per trigger, its correlation id from the request or event."""

import json
import os

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
metrics = Metrics()


class FlowBroken(Exception):
    pass


def _deep_failure(reason):
    raise FlowBroken(reason)


@metrics.log_metrics
def front(event, context):
    body = json.loads(event.get("body") or "{}")
    logger.set_correlation_id(body.get("correlation_id"))
    metrics.add_metric(name="FlowStarted", unit=MetricUnit.Count, value=1)
    if body.get("warn"):
        logger.warning("running low", extra={"left": 1})
    if body.get("fail"):
        _deep_failure("the flow broke")
    if body.get("publish"):
        boto3.client("events").put_events(
            Entries=[
                {
                    "Source": "console.flow",
                    "DetailType": "FlowStarted",
                    "Detail": json.dumps({"correlation_id": body.get("correlation_id")}),
                    "EventBusName": os.environ["BUS_NAME"],
                }
            ]
        )
    return {"statusCode": 201, "body": json.dumps({"ok": True})}


def listener(event, context):
    logger.set_correlation_id(event["detail"]["correlation_id"])
    logger.info("flow started")
    return {"heard": event["detail-type"]}
