"""Handlers under moto, with resources created the way template.yaml defines them.

Until ``LocalRuntime(...).provision()`` is usable from here (see local_runtime/STATUS-core.md),
this fixture reads the AWS::DynamoDB::Table properties, the bus and the SES identity from the
parsed template, so table shapes are never duplicated in tests. Switching means replacing
``Stack.provision`` and ``Stack.invoke`` with ``rt.provision()`` and ``rt.invoke(...)``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse
from tandem.shared.aws import bootstrap

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-central-1"
STAGE = "test"
# Parameters the tests set: the stage, and the webhook secret's first value (its store is provisioned below).
PARAMETERS = {"Stage": STAGE, "PaymentWebhookSecret": "whsec_test"}
SECRET_VALUES = {"ThreadSecretStore": "thread-token-secret-for-tests-0123456789"}
_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)
_modules: dict[str, ModuleType] = {}


def load_event(name: str) -> dict[str, Any]:
    """A sample event from events/, e.g. ``load_event("crm_api/submit_contact_form")``."""
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:test"
    aws_request_id = "00000000-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class Stack:
    """The slice of template.yaml the CRM handlers need, provisioned in moto."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        self.resources: dict[str, Any] = template["Resources"]
        self.physical: dict[str, str] = {}

    def _param(self, name: str) -> str:
        return str(PARAMETERS.get(name) or self.template["Parameters"][name]["Default"])

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and "Ref" in value:
            ref = value["Ref"]
            return self.physical.get(ref) or self._param(ref)
        if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):  # ${Param}, ${Resource}, ${AWS::…}
            pseudo = {"AWS::AccountId": "123456789012", "AWS::Region": REGION, "AWS::Partition": "aws"}
            return re.sub(
                r"\$\{([\w:]+)\}", lambda m: pseudo.get(m[1]) or str(self.resolve({"Ref": m[1]})), value["Fn::Sub"]
            )
        if isinstance(value, dict) and "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self.resolve(part)) for part in parts)
        return value

    def provision(self) -> None:
        for logical_id, resource in self.resources.items():
            if resource["Type"] == "AWS::DynamoDB::Table":
                self._table(logical_id, resource["Properties"])
            if resource["Type"] == "AWS::S3::Bucket":
                properties = resource.get("Properties", {})
                name = self.resolve(properties["BucketName"]) if "BucketName" in properties else None
                self.physical[logical_id] = name or f"{logical_id.lower()}-{STAGE}"
                s3 = boto3.client("s3", region_name=REGION)
                s3.create_bucket(
                    Bucket=self.physical[logical_id], CreateBucketConfiguration={"LocationConstraint": REGION}
                )
                if properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
                    s3.put_bucket_versioning(
                        Bucket=self.physical[logical_id], VersioningConfiguration={"Status": "Enabled"}
                    )
            if resource["Type"] == "AWS::SQS::Queue":
                sqs = boto3.client("sqs", region_name=REGION)
                self.physical[logical_id] = sqs.create_queue(QueueName=f"{logical_id}-{STAGE}")["QueueUrl"]
            if resource["Type"] == "AWS::KMS::Key":  # HR's bank-details seal
                kms = boto3.client("kms", region_name=REGION)
                self.physical[logical_id] = kms.create_key(Description=logical_id)["KeyMetadata"]["KeyId"]
            if resource["Type"] == "AWS::SecretsManager::Secret":
                # The webhook's, with its first value from PaymentWebhookSecret; the support desk's thread tokens.
                value = json.dumps({"current": SECRET_VALUES.get(logical_id, PARAMETERS["PaymentWebhookSecret"])})
                secretsmanager = boto3.client("secretsmanager", region_name=REGION)
                created = secretsmanager.create_secret(Name=f"{logical_id}-{STAGE}", SecretString=value)
                self.physical[logical_id] = created["ARN"]
        self._user_pool()
        self.physical["EventBus"] = f"tandem-{STAGE}"
        boto3.client("events", region_name=REGION).create_event_bus(Name=self.physical["EventBus"])
        sender = self.resolve(self.resources["SenderIdentity"]["Properties"]["EmailIdentity"])
        boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=sender)
        if "SupportIdentity" in self.resources:
            support = self.resolve(self.resources["SupportIdentity"]["Properties"]["EmailIdentity"])
            boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=support)

    def _user_pool(self) -> None:
        """The user pool and its groups (the support desk's round-robin reads the ``support`` group's members)."""
        cognito = boto3.client("cognito-idp", region_name=REGION)
        for logical_id, resource in self.resources.items():
            if resource["Type"] == "AWS::Cognito::UserPool":
                self.physical[logical_id] = cognito.create_user_pool(PoolName=f"{logical_id}-{STAGE}")["UserPool"]["Id"]
        for resource in self.resources.values():
            if resource["Type"] == "AWS::Cognito::UserPoolGroup":
                pool = self.resolve(resource["Properties"]["UserPoolId"])
                cognito.create_group(UserPoolId=pool, GroupName=resource["Properties"]["GroupName"])

    def _table(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = f"{logical_id}-{STAGE}"
        client = boto3.client("dynamodb", region_name=REGION)
        arguments = {k: properties[k] for k in _TABLE_KEYS if k in properties}
        if "StreamSpecification" in arguments:  # CloudFormation's shape lacks StreamEnabled
            arguments["StreamSpecification"] = {"StreamEnabled": True, **arguments["StreamSpecification"]}
        client.create_table(TableName=name, **arguments)
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        self.physical[logical_id] = name

    def environment(self, logical_id: str) -> dict[str, str]:
        merged = {
            **self.template["Globals"]["Function"]["Environment"]["Variables"],
            **self.resources[logical_id]["Properties"]["Environment"]["Variables"],
        }
        return {key: str(self.resolve(value)) for key, value in merged.items()}

    def module(self, logical_id: str) -> ModuleType:
        """The handler module, loaded by path like the Lambda runtime (no sibling imports)."""
        if logical_id not in _modules:
            code = ROOT / self.resources[logical_id]["Properties"]["CodeUri"] / "app.py"
            spec = importlib.util.spec_from_file_location(f"handler_{logical_id}", code)
            module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
            spec.loader.exec_module(module)  # type: ignore[union-attr]
            _modules[logical_id] = module
        return _modules[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
        for key, value in self.environment(logical_id).items():
            monkeypatch.setenv(key, value)
        return self.module(logical_id).lambda_handler(event, LambdaContext())

    def items(self, logical_id: str = "CrmTable") -> list[dict[str, Any]]:
        """Every item of a table, as plain Python values."""
        from tandem.shared.aws.dynamo import from_attributes

        scan = boto3.client("dynamodb", region_name=REGION).scan(TableName=self.physical[logical_id])
        return [from_attributes(item) for item in scan["Items"]]  # type: ignore[misc]


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return yaml_parse((ROOT / "template.yaml").read_text())


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for key, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
    }.items():
        monkeypatch.setenv(key, value)
    bootstrap.reset()
    with mock_aws():
        yield
    bootstrap.reset()


@pytest.fixture
def stack(aws, template, monkeypatch: pytest.MonkeyPatch):
    """Provisioned resources plus ``stack.call(logical_id, event)``."""
    provisioned = Stack(template)
    provisioned.provision()
    provisioned.call = lambda logical_id, event: provisioned.invoke(logical_id, event, monkeypatch)  # type: ignore[attr-defined]
    yield provisioned


@pytest.fixture
def dynamodb():
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def sample():
    """Load a sample event from events/ by ``"<function>/<case>"``."""
    return load_event


@pytest.fixture
def api(stack):
    """Call CrmApiFunction; returns (status, parsed JSON body)."""

    def call(event: dict[str, Any]) -> tuple[int, Any]:
        response = stack.call("CrmApiFunction", event)
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    return call


@pytest.fixture
def dynamodb_calls(stack) -> list[str]:
    """Names of the DynamoDB operations the handlers make (on the shared cached client)."""
    calls: list[str] = []
    bootstrap.client("dynamodb").meta.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name)
    )
    return calls


@pytest.fixture
def bus_queue(stack) -> str:
    """An SQS queue receiving every tandem.* event on the bus, to observe what was published."""
    sqs, events = boto3.client("sqs", region_name=REGION), boto3.client("events", region_name=REGION)
    url = sqs.create_queue(QueueName="observer")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = stack.physical["EventBus"]
    events.put_rule(Name="observe", EventBusName=bus, EventPattern=json.dumps({"source": [{"prefix": "tandem."}]}))
    events.put_targets(Rule="observe", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    return url


def published(url: str) -> list[dict]:
    """What the observer queue of ``bus_queue`` has received (up to 10 events)."""
    messages = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def emf_documents(output: str) -> list[dict]:
    """The CloudWatch EMF documents Powertools printed."""
    documents = []
    for line in output.splitlines():
        try:
            document = json.loads(line)
        except ValueError:
            continue
        if isinstance(document, dict) and "_aws" in document:
            documents.append(document)
    return documents
