"""Create every supported resource of the translated template in moto.

Why: handlers talk to AWS through boto3 as in production; moto must hold the same tables,
queues, buses and state machines, with the same names and ARNs CloudFormation would
produce. Resources are provisioned in dependency sequence and their properties resolved just
before, so Ref/GetAtt see real physical ids (e.g. the table's real stream ARN).
Unknown types are recorded as "not emulated" and skipped.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local_runtime.intrinsics import IntrinsicError
from local_runtime.lambdas import FunctionSpec
from local_runtime.template import Resource, Stack

# Types the HTTP side (API Gateway emulation) serves from the stack model: ids only.
MODEL_ONLY = {
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::Model",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Lambda::Permission",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
}


def _dummy_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
    return buf.getvalue()


_ZIP = _dummy_zip()


@dataclass
class StreamMapping:
    """A DynamoDB stream event source mapping, run by our poller (not by moto)."""

    logical_id: str
    uuid: str
    function: str
    stream_arn: str
    properties: dict[str, Any]


@dataclass
class RuleInfo:
    logical_id: str
    name: str
    arn: str
    bus: str
    pattern: dict[str, Any] | None
    schedule: str | None
    state: str
    targets: list[dict[str, Any]]


@dataclass
class ScheduleInfo:
    logical_id: str
    name: str
    group: str
    expression: str
    timezone: str | None
    state: str
    target: dict[str, Any]
    kind: str  # "scheduler" or "rule"


@dataclass
class Provisioned:
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    schedules: list[ScheduleInfo] = field(default_factory=list)
    layer_dirs: dict[str, Any] = field(default_factory=dict)  # layer ARN -> local dir


def _s(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


class Provisioner:
    """Walks the stack in dependency sequence and creates each resource in moto via boto3."""

    def __init__(self, stack: Stack, client: Callable[[str], Any]) -> None:
        self.stack = stack
        self.client = client
        self.out = Provisioned()
        self._roles: set[str] = set()

    def run(self) -> Provisioned:
        for res in self.stack.resources.values():
            try:
                res.properties = self.stack.resolve(res.raw_properties)
            except (IntrinsicError, KeyError, IndexError, TypeError) as e:
                res.emulated = False
                res.note = f"unresolvable properties: {e}"
                res.physical_id = self.stack.generated_name(res.logical_id)
                continue
            handler = getattr(self, "_" + res.type.replace("::", "_").lower(), None)
            if handler is None:
                res.emulated = res.type in MODEL_ONLY
                res.physical_id = self._model_only(res)
                if not res.emulated:
                    res.note = "not emulated"
                continue
            try:
                handler(res, res.properties)
            except Exception as e:  # one bad resource must not stop the stack
                res.emulated = False
                res.note = f"provisioning failed: {type(e).__name__}: {e}"
                if res.physical_id is None:
                    res.physical_id = self.stack.generated_name(res.logical_id)
                sys.stderr.write(f"local_runtime: {res.logical_id} ({res.type}): {res.note}\n")
        self._wire_invoke_configs()
        return self.out

    # ------------------------------------------------------------------ model-only ids
    def _model_only(self, res: Resource) -> str:
        st, p = self.stack, res.properties
        t = res.type
        if t == "AWS::Cognito::UserPool":
            pid = f"{st.region}_{st.short_id(res.logical_id, 9, upper=True)}"
            res.attributes.update(
                Arn=st.arn("cognito-idp", f"userpool/{pid}"),
                UserPoolId=pid,
                ProviderName=f"cognito-idp.{st.region}.amazonaws.com/{pid}",
                ProviderURL=f"https://cognito-idp.{st.region}.amazonaws.com/{pid}",
            )
            return pid
        if t == "AWS::Cognito::UserPoolClient":
            res.attributes["ClientSecret"] = ""
            return st.short_id(res.logical_id, 26)
        if t == "AWS::Cognito::UserPoolGroup":
            return p.get("GroupName") or st.generated_name(res.logical_id)
        if t in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            api_id = st.short_id(res.logical_id)
            res.attributes["RootResourceId"] = st.short_id(res.logical_id + "/root")
            res.attributes["ApiEndpoint"] = f"https://{api_id}.execute-api.{st.region}.amazonaws.com"
            res.attributes["ApiId"] = api_id
            return api_id
        if t in ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
            return p.get("StageName") or res.logical_id
        if t == "AWS::Lambda::LayerVersion":
            name = p.get("LayerName") or st.generated_name(res.logical_id, 140)
            arn = st.arn("lambda", f"layer:{name}:1")
            res.attributes["LayerVersionArn"] = arn
            if res.logical_id in st.code_dirs:
                self.out.layer_dirs[arn] = st.code_dirs[res.logical_id]
            return arn
        if t == "AWS::Lambda::Version":
            return f"{p.get('FunctionName')}:1"
        if t == "AWS::Lambda::Alias":
            return f"{p.get('FunctionName')}:{p.get('Name')}"
        if t == "AWS::IAM::ManagedPolicy":
            policy_name = p.get("ManagedPolicyName") or st.generated_name(res.logical_id)
            return f"arn:aws:iam::{st.account_id}:policy/{policy_name}"
        return st.generated_name(res.logical_id)

    # ------------------------------------------------------------------ IAM
    def _aws_iam_role(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("RoleName") or self.stack.generated_name(res.logical_id)
        iam = self.client("iam")
        doc = p.get("AssumeRolePolicyDocument") or {}
        role = iam.create_role(
            RoleName=name,
            Path=p.get("Path", "/"),
            AssumeRolePolicyDocument=doc if isinstance(doc, str) else json.dumps(doc),
        )["Role"]
        res.physical_id = name
        res.attributes.update(Arn=role["Arn"], RoleId=role["RoleId"])
        self._roles.add(role["Arn"])

    def _fallback_role(self) -> str:
        arn = f"arn:aws:iam::{self.stack.account_id}:role/local-runtime-lambda"
        if arn not in self._roles:
            self.client("iam").create_role(RoleName="local-runtime-lambda", AssumeRolePolicyDocument="{}")
            self._roles.add(arn)
        return arn

    # ------------------------------------------------------------------ DynamoDB
    def _aws_dynamodb_table(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("TableName") or self.stack.generated_name(res.logical_id, 255)
        billing = p.get("BillingMode", "PROVISIONED")
        kwargs: dict[str, Any] = {
            "TableName": name,
            "KeySchema": p["KeySchema"],
            "AttributeDefinitions": p["AttributeDefinitions"],
            "BillingMode": billing,
        }
        default_tp = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        if billing == "PROVISIONED":
            kwargs["ProvisionedThroughput"] = {
                k: int(v) for k, v in (p.get("ProvisionedThroughput") or default_tp).items()
            }
        gsis = []
        for g in p.get("GlobalSecondaryIndexes") or []:
            gsi = {k: g[k] for k in ("IndexName", "KeySchema", "Projection") if k in g}
            if billing == "PROVISIONED":
                gsi["ProvisionedThroughput"] = {
                    k: int(v) for k, v in (g.get("ProvisionedThroughput") or default_tp).items()
                }
            gsis.append(gsi)
        if gsis:
            kwargs["GlobalSecondaryIndexes"] = gsis
        lsis = [
            {k: g[k] for k in ("IndexName", "KeySchema", "Projection") if k in g}
            for g in p.get("LocalSecondaryIndexes") or []
        ]
        if lsis:
            kwargs["LocalSecondaryIndexes"] = lsis
        stream = p.get("StreamSpecification")
        if stream:
            kwargs["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": stream["StreamViewType"],
            }
        ddb = self.client("dynamodb")
        desc = ddb.create_table(**kwargs)["TableDescription"]
        ttl = p.get("TimeToLiveSpecification")
        if ttl and _s(ttl.get("Enabled")).lower() == "true":
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        res.physical_id = name
        res.attributes["Arn"] = desc["TableArn"]
        if "LatestStreamArn" in desc:
            res.attributes["StreamArn"] = desc["LatestStreamArn"]

    # ------------------------------------------------------------------ S3
    def _aws_s3_bucket(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("BucketName") or self.stack.generated_name(res.logical_id, 63).lower()
        s3 = self.client("s3")
        if self.stack.region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.stack.region})
        if p.get("VersioningConfiguration", {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        res.physical_id = name
        r = self.stack.region
        res.attributes.update(
            Arn=f"arn:aws:s3:::{name}",
            DomainName=f"{name}.s3.amazonaws.com",
            RegionalDomainName=f"{name}.s3.{r}.amazonaws.com",
            DualStackDomainName=f"{name}.s3.dualstack.{r}.amazonaws.com",
            WebsiteURL=f"http://{name}.s3-website-{r}.amazonaws.com",
        )

    # ------------------------------------------------------------------ SQS
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

    def _aws_sqs_queue(self, res: Resource, p: dict[str, Any]) -> None:
        fifo = _s(p.get("FifoQueue", False)).lower() == "true"
        name = p.get("QueueName") or (
            self.stack.generated_name(res.logical_id, 75) + (".fifo" if fifo else "")
        )
        attrs = {k: _s(p[k]) for k in self._SQS_ATTRS if k in p}
        if not fifo:
            attrs.pop("FifoQueue", None)
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        res.physical_id = url
        res.attributes.update(Arn=self.stack.arn("sqs", name), QueueName=name, QueueUrl=url)

    def _aws_sqs_queuepolicy(self, res: Resource, p: dict[str, Any]) -> None:
        sqs = self.client("sqs")
        for url in p.get("Queues") or []:
            sqs.set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(p.get("PolicyDocument", {}))}
            )
        res.physical_id = self.stack.generated_name(res.logical_id)

    # ------------------------------------------------------------------ SNS / logs
    def _aws_sns_topic(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("TopicName") or self.stack.generated_name(res.logical_id, 256)
        attrs = {k: _s(p[k]) for k in ("FifoTopic", "ContentBasedDeduplication", "DisplayName") if k in p}
        arn = self.client("sns").create_topic(Name=name, Attributes=attrs)["TopicArn"]
        res.physical_id = arn
        res.attributes.update(TopicArn=arn, TopicName=name)

    def _aws_sns_subscription(self, res: Resource, p: dict[str, Any]) -> None:
        kwargs = {"TopicArn": p["TopicArn"], "Protocol": p["Protocol"], "Endpoint": p.get("Endpoint", "")}
        if "FilterPolicy" in p:
            kwargs["Attributes"] = {"FilterPolicy": _s(p["FilterPolicy"])}
        res.physical_id = self.client("sns").subscribe(**kwargs)["SubscriptionArn"]

    def _aws_logs_loggroup(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("LogGroupName") or self.stack.generated_name(res.logical_id, 512)
        self.client("logs").create_log_group(logGroupName=name)
        res.physical_id = name
        res.attributes["Arn"] = self.stack.arn("logs", f"log-group:{name}:*")

    # ------------------------------------------------------------------ SES
    def _aws_ses_emailidentity(self, res: Resource, p: dict[str, Any]) -> None:
        identity = p["EmailIdentity"]
        self.client("sesv2").create_email_identity(EmailIdentity=identity)
        if "@" in identity:
            self.client("ses").verify_email_identity(EmailAddress=identity)
        else:
            self.client("ses").verify_domain_identity(Domain=identity)
        # Locally nobody clicks the verification link: mark it verified (moto keeps False).
        from moto.ses.models import ses_backends

        from local_runtime import atomic

        with atomic.GATE:
            found = ses_backends[self.stack.account_id][self.stack.region].email_identities.get(identity)
            if found is not None:
                found.verified_for_sending_status = True
        res.physical_id = identity

    # ------------------------------------------------------------------ EventBridge
    def _aws_events_eventbus(self, res: Resource, p: dict[str, Any]) -> None:
        name = p["Name"]
        arn = self.client("events").create_event_bus(Name=name)["EventBusArn"]
        res.physical_id = name
        res.attributes.update(Arn=arn, Name=name)

    def _aws_events_archive(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("ArchiveName") or self.stack.generated_name(res.logical_id, 48)
        kwargs: dict[str, Any] = {"ArchiveName": name, "EventSourceArn": p["SourceArn"]}
        if "EventPattern" in p:
            kwargs["EventPattern"] = _s(p["EventPattern"])
        for k in ("Description", "RetentionDays"):
            if k in p:
                kwargs[k] = int(p[k]) if k == "RetentionDays" else p[k]
        arn = self.client("events").create_archive(**kwargs)["ArchiveArn"]
        res.physical_id = name
        res.attributes["Arn"] = arn

    def _aws_events_rule(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.stack.generated_name(res.logical_id, 64)
        bus = p.get("EventBusName", "default")
        if isinstance(bus, str) and bus.startswith("arn:"):
            bus = bus.split("/")[-1]
        state = p.get("State", "ENABLED")
        kwargs: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": state}
        if "EventPattern" in p:
            kwargs["EventPattern"] = _s(p["EventPattern"])
        if "ScheduleExpression" in p:
            kwargs["ScheduleExpression"] = p["ScheduleExpression"]
        if "Description" in p:
            kwargs["Description"] = p["Description"]
        events = self.client("events")
        arn = events.put_rule(**kwargs)["RuleArn"]
        targets = [dict(t) for t in p.get("Targets") or []]
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
        res.physical_id = name if bus == "default" else f"{bus}|{name}"
        res.attributes["Arn"] = arn
        pattern = p.get("EventPattern")
        info = RuleInfo(
            res.logical_id,
            name,
            arn,
            bus,
            json.loads(pattern) if isinstance(pattern, str) else pattern,
            p.get("ScheduleExpression"),
            state,
            targets,
        )
        self.out.rules.append(info)
        if info.schedule:
            for t in targets:
                self.out.schedules.append(
                    ScheduleInfo(
                        res.logical_id,
                        name,
                        bus,
                        info.schedule,
                        None,
                        "ENABLED" if state == "ENABLED" else "DISABLED",
                        t,
                        "rule",
                    )
                )

    # ------------------------------------------------------------------ Scheduler
    def _aws_scheduler_schedulegroup(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.stack.generated_name(res.logical_id, 64)
        arn = self.client("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]
        res.physical_id = name
        res.attributes["Arn"] = arn

    def _aws_scheduler_schedule(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.stack.generated_name(res.logical_id, 64)
        group = p.get("GroupName", "default")
        kwargs: dict[str, Any] = {
            "Name": name,
            "GroupName": group,
            "ScheduleExpression": p["ScheduleExpression"],
            "FlexibleTimeWindow": p.get("FlexibleTimeWindow") or {"Mode": "OFF"},
            "Target": p["Target"],
            "State": p.get("State", "ENABLED"),
        }
        for k in ("ScheduleExpressionTimezone", "Description"):
            if k in p:
                kwargs[k] = p[k]
        arn = self.client("scheduler").create_schedule(**kwargs)["ScheduleArn"]
        res.physical_id = name
        res.attributes["Arn"] = arn
        self.out.schedules.append(
            ScheduleInfo(
                res.logical_id,
                name,
                group,
                p["ScheduleExpression"],
                p.get("ScheduleExpressionTimezone"),
                kwargs["State"],
                dict(p["Target"]),
                "scheduler",
            )
        )

    # ------------------------------------------------------------------ Step Functions
    def _aws_stepfunctions_statemachine(self, res: Resource, p: dict[str, Any]) -> None:
        name = p.get("StateMachineName") or self.stack.generated_name(res.logical_id, 80)
        definition = p.get("Definition")
        text = json.dumps(definition) if definition is not None else p.get("DefinitionString", "{}")
        if not isinstance(text, str):
            text = json.dumps(text)
        for key, value in (p.get("DefinitionSubstitutions") or {}).items():
            text = text.replace("${" + key + "}", _s(value))
        role = p.get("RoleArn") or self._fallback_role()
        kwargs: dict[str, Any] = {"name": name, "definition": text, "roleArn": role}
        if "StateMachineType" in p:
            kwargs["type"] = p["StateMachineType"]
        arn = self.client("stepfunctions").create_state_machine(**kwargs)["stateMachineArn"]
        res.physical_id = arn
        res.attributes.update(Arn=arn, Name=name, StateMachineRevisionId="INITIAL")

    # ------------------------------------------------------------------ Lambda
    def _aws_lambda_function(self, res: Resource, p: dict[str, Any]) -> None:
        st = self.stack
        name = p.get("FunctionName") or st.generated_name(res.logical_id, 64)
        role = p.get("Role")
        if role not in self._roles:
            role = self._fallback_role()
        env = {k: _s(v) for k, v in ((p.get("Environment") or {}).get("Variables") or {}).items()}
        kwargs: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": p.get("Runtime", "python3.13"),
            "Role": role,
            "Handler": p.get("Handler", "app.lambda_handler"),
            "Code": {"ZipFile": _ZIP},
            "Timeout": int(p.get("Timeout", 3)),
            "MemorySize": int(p.get("MemorySize", 128)),
            "Environment": {"Variables": env},
        }
        if "Description" in p:
            kwargs["Description"] = p["Description"]
        arn = self.client("lambda").create_function(**kwargs)["FunctionArn"]
        res.physical_id = name
        res.attributes["Arn"] = arn
        layer_dirs = [self.out.layer_dirs[a] for a in p.get("Layers") or [] if a in self.out.layer_dirs]
        self.out.functions[res.logical_id] = FunctionSpec(
            logical_id=res.logical_id,
            name=name,
            arn=arn,
            handler=kwargs["Handler"],
            code_dir=st.code_dirs.get(res.logical_id),
            runtime=kwargs["Runtime"],
            memory_size=kwargs["MemorySize"],
            timeout=kwargs["Timeout"],
            environment=env,
            layer_dirs=layer_dirs,
            dead_letter_arn=(p.get("DeadLetterConfig") or {}).get("TargetArn"),
        )

    def _aws_lambda_eventsourcemapping(self, res: Resource, p: dict[str, Any]) -> None:
        source = p.get("EventSourceArn", "")
        if ":dynamodb:" in source and "/stream/" in source:
            mapping_id = self.stack.short_id(res.logical_id, 32)
            mapping_id = "-".join(
                (mapping_id[:8], mapping_id[8:12], mapping_id[12:16], mapping_id[16:20], mapping_id[20:32])
            )
            res.physical_id = mapping_id
            self.out.stream_mappings.append(
                StreamMapping(res.logical_id, mapping_id, p["FunctionName"], source, p)
            )
            return
        # Other sources (SQS, Kinesis ...): moto runs those mappings itself.
        kwargs = {
            k: p[k]
            for k in ("EventSourceArn", "FunctionName", "BatchSize", "Enabled", "StartingPosition")
            if k in p
        }
        res.physical_id = self.client("lambda").create_event_source_mapping(**kwargs)["UUID"]

    def _wire_invoke_configs(self) -> None:
        by_name = {spec.name: spec for spec in self.out.functions.values()}
        for res in self.stack.by_type("AWS::Lambda::EventInvokeConfig"):
            fn = res.properties.get("FunctionName")
            spec = by_name.get(fn) or self.out.functions.get(fn)
            if spec is not None:
                spec.event_invoke_config = {k: v for k, v in res.properties.items() if k != "FunctionName"}
