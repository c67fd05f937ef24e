"""One unit of work for the Step Functions tests: a DynamoDB transaction per step, or a held task token."""

import os

import boto3

_CLIENT = {}


class CustomError(Exception):
    pass


def _ddb():
    # Cached like a real handler's module-level client (creating a client costs more than the call).
    if "ddb" not in _CLIENT:
        _CLIENT["ddb"] = boto3.client("dynamodb")
    return _CLIENT["ddb"]


def lambda_handler(event, context):
    table = os.environ["TABLE_NAME"]
    if event.get("action") == "hold":
        # .waitForTaskToken: park the token where the test can find it; the task waits for it.
        _ddb().put_item(
            TableName=table,
            Item={"PK": {"S": f"TOKEN#{event['key']}"}, "SK": {"S": "TOKEN"}, "token": {"S": event["token"]}},
        )
        if (event.get("input") or {}).get("fail"):
            raise CustomError("refused at once")
        return {"held": True}
    run, step = event["run"], event["step"]
    _ddb().transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table,
                    "Item": {"PK": {"S": f"RUN#{run}"}, "SK": {"S": f"STEP#{step}"}},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Update": {
                    "TableName": table,
                    "Key": {"PK": {"S": "COUNTER"}, "SK": {"S": "steps"}},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )
    return {"run": run, "step": step}
