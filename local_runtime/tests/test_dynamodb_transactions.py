"""TransactWriteItems with item-level backups: same outcome as AWS, no whole-table copies."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from local_runtime import dynamodb_transactions

REGION = "us-east-1"


@pytest.fixture
def table():
    dynamodb_transactions.install()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION, aws_access_key_id="k", aws_secret_access_key="s")
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        client.put_item(TableName="t", Item={"PK": {"S": "counter"}, "SK": {"S": "c"}, "n": {"N": "1"}})
        yield client


def _backend_table():
    return dynamodb_backends["123456789012"][REGION].get_table("t")


def _put(pk, condition=None):
    op = {"TableName": "t", "Item": {"PK": {"S": pk}, "SK": {"S": "x"}}}
    if condition:
        op["ConditionExpression"] = condition
    return {"Put": op}


def _increment():
    return {
        "Update": {
            "TableName": "t",
            "Key": {"PK": {"S": "counter"}, "SK": {"S": "c"}},
            "UpdateExpression": "SET n = n + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def _counter(client):
    return client.get_item(TableName="t", Key={"PK": {"S": "counter"}, "SK": {"S": "c"}})["Item"]["n"]["N"]


def test_the_patch_is_installed_on_moto():
    dynamodb_transactions.install()
    assert DynamoDBBackend.transact_write_items is dynamodb_transactions.transact_write_items


def test_successful_transaction_writes_every_item_and_streams_them(table):
    stream_before = len(_backend_table().stream_shard.items)

    table.transact_write_items(TransactItems=[_increment(), _put("a"), _put("b")])

    assert _counter(table) == "2"
    assert {i["PK"]["S"] for i in table.scan(TableName="t")["Items"]} == {"counter", "a", "b"}
    assert len(_backend_table().stream_shard.items) == stream_before + 3


def test_failed_condition_cancels_everything_including_in_place_updates_and_stream_records(table):
    table.put_item(TableName="t", Item={"PK": {"S": "taken"}, "SK": {"S": "x"}, "owner": {"S": "first"}})
    backend_table = _backend_table()
    stream_before = len(backend_table.stream_shard.items)
    failing = _put("taken", "attribute_not_exists(PK)")
    failing["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"

    with pytest.raises(ClientError) as raised:
        table.transact_write_items(TransactItems=[_increment(), _put("new"), failing])

    reasons = raised.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"]["owner"] == {"S": "first"}
    assert _counter(table) == "1"
    assert {i["PK"]["S"] for i in table.scan(TableName="t")["Items"]} == {"counter", "taken"}
    assert len(backend_table.stream_shard.items) == stream_before
    assert _backend_table() is backend_table, "the table was replaced by a copy"


def test_two_operations_on_one_item_are_rejected_and_nothing_is_written(table):
    with pytest.raises(ClientError) as raised:
        table.transact_write_items(TransactItems=[_put("a"), _put("a")])

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert {i["PK"]["S"] for i in table.scan(TableName="t")["Items"]} == {"counter"}


def test_condition_check_alone_guards_the_write(table):
    check = {
        "ConditionCheck": {
            "TableName": "t",
            "Key": {"PK": {"S": "counter"}, "SK": {"S": "c"}},
            "ConditionExpression": "n > :limit",
            "ExpressionAttributeValues": {":limit": {"N": "5"}},
        }
    }

    with pytest.raises(ClientError):
        table.transact_write_items(TransactItems=[check, _put("guarded")])

    assert "guarded" not in {i["PK"]["S"] for i in table.scan(TableName="t")["Items"]}
