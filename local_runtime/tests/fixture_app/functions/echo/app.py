import json
import os

import boto3
import fixture_shared

IMPORT_ROLE = os.environ.get("FUNCTION_ROLE")


def lambda_handler(event, context):
    body = {
        "event": event,
        "role": os.environ.get("FUNCTION_ROLE"),
        "import_role": IMPORT_ROLE,
        "function_name": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "layer": fixture_shared.VALUE,
        "request_id": context.aws_request_id,
    }
    if isinstance(event, dict) and event.get("record", True):
        boto3.client("sqs").send_message(QueueUrl=os.environ["RECORD_QUEUE_URL"], MessageBody=json.dumps(body))
    print("echo", json.dumps(event))
    return body
