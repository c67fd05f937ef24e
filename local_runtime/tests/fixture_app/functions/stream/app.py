import json
import os

import boto3


def lambda_handler(event, context):
    """Reports records whose NewImage has fail=true as batch item failures."""
    failures = []
    sqs = boto3.client("sqs")
    for record in event["Records"]:
        image = record["dynamodb"].get("NewImage", {})
        if image.get("fail", {}).get("BOOL"):
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            continue
        sqs.send_message(
            QueueUrl=os.environ["RECORD_QUEUE_URL"],
            MessageBody=json.dumps(
                {"stream": image["PK"]["S"], "source": record["eventSourceARN"], "region": record["awsRegion"]}
            ),
        )
    return {"batchItemFailures": failures}
