"""Smoke test: the application's real template provisions completely (handlers may not exist yet)."""

from __future__ import annotations

import pytest
from core_helpers import REAL_TEMPLATE
from local_runtime.provision import MODEL_ONLY

from local_runtime import LocalRuntime

SUPPORTED = {
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Cognito::UserPoolClient",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::Events::EventBus",
    "AWS::Events::Rule",
    "AWS::Events::Archive",
    "AWS::SES::EmailIdentity",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::IAM::Role",
    "AWS::StepFunctions::StateMachine",
    "AWS::Scheduler::Schedule",
    "AWS::Scheduler::ScheduleGroup",
    "AWS::SNS::Topic",
    "AWS::Logs::LogGroup",
    "AWS::SecretsManager::Secret",
    "AWS::KMS::Key",
} | MODEL_ONLY


def required_parameters() -> dict[str, str]:
    """A placeholder for every parameter without a Default (e.g. NoEcho secrets), long enough for MinLength."""
    from samtranslator.yaml_helper import yaml_parse

    specs = yaml_parse(REAL_TEMPLATE.read_text()).get("Parameters") or {}
    return {name: "x" * max(16, int(spec.get("MinLength", 0))) for name, spec in specs.items() if "Default" not in spec}


@pytest.mark.skipif(not REAL_TEMPLATE.exists(), reason="no application template")
def test_real_template_provisions_every_supported_resource() -> None:
    with LocalRuntime(REAL_TEMPLATE, serve_http=False, parameters={**required_parameters(), "Stage": "local"}) as rt:
        st = rt.stack
        for res in st.resources.values():
            if res.type in SUPPORTED:
                assert res.emulated, (res.logical_id, res.type, res.note)
                assert res.physical_id
            else:
                assert not res.emulated and res.note == "not emulated"
        pool = rt.physical_id("UserPool")
        groups = rt.client("cognito-idp").list_groups(UserPoolId=pool)["Groups"]
        assert {g["GroupName"] for g in groups} == {g.physical_id for g in st.by_type("AWS::Cognito::UserPoolGroup")}
        names = rt.client("dynamodb").list_tables()["TableNames"]
        for t in st.by_type("AWS::DynamoDB::Table"):
            assert t.physical_id in names
        urls = rt.client("sqs").list_queues().get("QueueUrls", [])
        for q in st.by_type("AWS::SQS::Queue"):
            assert q.physical_id in urls
        fns = {f["FunctionName"] for f in rt.client("lambda").list_functions()["Functions"]}
        assert {r.physical_id for r in st.by_type("AWS::Lambda::Function")} <= fns
        for fn in rt.lambdas.functions.values():
            assert fn.layer_dirs, fn.logical_id  # the shared layer is on every function
        buses = {b["Name"] for b in rt.client("events").list_event_buses()["EventBuses"]}
        assert {r.physical_id for r in st.by_type("AWS::Events::EventBus")} <= buses
        for rule in rt.provisioned.rules:
            assert rt.client("events").list_targets_by_rule(Rule=rule.name, EventBusName=rule.bus)["Targets"]
        assert len(rt.provisioned.stream_mappings) == len(st.by_type("AWS::Lambda::EventSourceMapping"))
        identities = rt.client("ses").list_identities()["Identities"]
        assert {r.physical_id for r in st.by_type("AWS::SES::EmailIdentity")} <= set(identities)
        for sm in st.by_type("AWS::StepFunctions::StateMachine"):
            rt.client("stepfunctions").describe_state_machine(stateMachineArn=sm.physical_id)
        assert all("<unresolved" not in str(v) for v in st.outputs.values())
