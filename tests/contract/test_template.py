"""The template deploys as it is: it lints clean, SAM translates it offline, and it keeps the promises
Tandem makes about every deployment (least privilege, nothing asynchronous without a DLQ, durable tables)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cfnlint.api import lint_file

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def test_cfn_lint_reports_nothing():
    matches = lint_file(TEMPLATE)
    assert [str(m) for m in matches] == []


def test_sam_translator_transforms_the_template(translated):
    types = {r["Type"] for r in translated["Resources"].values()}
    assert not any(t.startswith("AWS::Serverless::") for t in types)
    assert {"AWS::Lambda::Function", "AWS::ApiGateway::RestApi", "AWS::Events::Rule"} <= types


def _statements(translated):
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                yield logical_id, statement


def test_no_inline_policy_grants_wildcard_actions(translated):
    offenders = []
    for role, statement in _statements(translated):
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            if "*" in action:
                offenders.append((role, action))
    assert offenders == []


# CloudWatch Logs' vended-log delivery (the state machine's logging) accepts no resource but "*".
LOG_DELIVERY_ACTIONS = {
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def test_no_inline_policy_grants_on_every_resource(translated):
    offenders = [
        (role, statement["Action"])
        for role, statement in _statements(translated)
        if statement.get("Resource") == "*" and not set(statement["Action"]) <= LOG_DELIVERY_ACTIONS
    ]
    assert offenders == []


def test_every_function_handler_exists(template):
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        module, _, func = props["Handler"].rpartition(".")
        source = ROOT / props["CodeUri"] / f"{module}.py"
        assert source.is_file(), f"{logical_id}: {source} is missing"
        assert f"def {func}(" in source.read_text() or f"{func} =" in source.read_text(), (
            f"{logical_id}: {source} defines no {func}"
        )


def test_every_asynchronous_path_ends_in_a_dead_letter_queue(translated):
    resources = translated["Resources"]
    for logical_id, resource in resources.items():
        props = resource["Properties"]
        if resource["Type"] == "AWS::Events::Rule":
            for target in props.get("Targets", []):
                assert "DeadLetterConfig" in target, f"rule {logical_id} target {target['Id']} has no DLQ"
        if resource["Type"] == "AWS::Lambda::EventSourceMapping":
            assert props.get("DestinationConfig", {}).get("OnFailure"), f"{logical_id} has no on-failure DLQ"
        if resource["Type"] == "AWS::Scheduler::Schedule":
            assert props["Target"].get("DeadLetterConfig"), f"schedule {logical_id} has no DLQ"

    def targets(resource):
        if resource["Type"] == "AWS::Events::Rule":
            return resource["Properties"].get("Targets", [])
        if resource["Type"] == "AWS::Scheduler::Schedule":
            return [resource["Properties"]["Target"]]
        return []

    # Functions invoked asynchronously (rule and schedule targets) must park their own failures too.
    async_functions = {
        target["Arn"]["Fn::GetAtt"][0]
        for r in resources.values()
        for target in targets(r)
        if isinstance(target["Arn"], dict)
        and "Fn::GetAtt" in target["Arn"]
        and resources[target["Arn"]["Fn::GetAtt"][0]]["Type"] == "AWS::Lambda::Function"
    }
    configured = {
        r["Properties"]["FunctionName"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::EventInvokeConfig"
        and r["Properties"].get("DestinationConfig", {}).get("OnFailure")
    }
    assert async_functions and async_functions <= configured, async_functions - configured


@pytest.mark.parametrize("table_type", ["AWS::DynamoDB::Table"])
def test_tables_are_on_demand_recoverable_and_protected(template, table_type):
    tables = {k: r for k, r in template["Resources"].items() if r["Type"] == table_type}
    assert tables
    for logical_id, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, logical_id
        assert props["DeletionProtectionEnabled"] is True, logical_id
        assert table.get("DeletionPolicy") == "Retain", logical_id


# Everything else needs a Cognito token. The webhook checks its own signature.
PUBLIC_ROUTES = {
    ("/forms/contact", "POST"),
    ("/forms/support", "POST"),
    ("/forms/job-application", "POST"),  # answers a presigned CV upload; throttled and in the WAF per-IP rule
    ("/csat/{token}", "POST"),  # the survey link's signed token is the credential
    ("/products", "GET"),
    ("/products/{sku}", "GET"),
    ("/payments/webhook", "POST"),
    ("/kb/search", "GET"),
    ("/kb/published/{article_id}", "GET"),
    ("/assistant/ask", "POST"),
}


def test_only_declared_public_routes_skip_the_authorizer(translated):
    api = translated["Resources"]["Api"]["Properties"]["Body"]
    public = {
        (path, method.upper())
        for path, methods in api["paths"].items()
        for method, op in methods.items()
        if op.get("security") in (None, [{"NONE": []}], []) and method != "options"  # CORS preflights, below
    }
    assert public == PUBLIC_ROUTES


def _function_of(operation) -> str:
    uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    return re.search(r"functions/\$\{(\w+)\.Arn\}", uri).group(1)


def test_every_path_answers_the_cors_preflight_from_its_own_function_without_a_token(translated):
    # API Gateway's own CORS can send only one fixed origin: Tandem allows several (README "CORS").
    api = translated["Resources"]["Api"]["Properties"]["Body"]
    assert "x-amazon-apigateway-cors" not in api
    for path, methods in api["paths"].items():
        preflight = methods.get("options")
        assert preflight is not None, f"{path} has no OPTIONS (add a Preflight event next to its routes)"
        assert preflight.get("security") in (None, [{"NONE": []}], []), path
        assert preflight["x-amazon-apigateway-integration"]["type"] == "aws_proxy", path
        owners = {_function_of(op) for method, op in methods.items() if method != "options"}
        assert owners == {_function_of(preflight)}, path


def test_the_allowed_origins_reach_every_function_and_the_gateways_own_errors_carry_cors_headers(template, translated):
    assert template["Parameters"]["AllowedOrigins"]["Default"] == ""
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["ALLOWED_ORIGINS"] == {"Ref": "AllowedOrigins"}
    responses = translated["Resources"]["Api"]["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    for kind in (
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "THROTTLED",
        "MISSING_AUTHENTICATION_TOKEN",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ):
        headers = responses[kind]["responseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "method.request.header.Origin", kind
        assert headers["gatewayresponse.header.Vary"] == "'Origin'", kind


def test_functions_run_on_the_documented_runtime(template):
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Tracing"] == "Active"


def test_every_queue_has_an_alarm_that_tells_someone(translated):
    resources = translated["Resources"]
    queues = {k for k, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    watched = set()
    for resource in resources.values():
        if resource["Type"] != "AWS::CloudWatch::Alarm" or not resource["Properties"].get("AlarmActions"):
            continue
        for dimension in resource["Properties"].get("Dimensions", []):
            value = dimension["Value"]
            if isinstance(value, dict) and "Fn::GetAtt" in value:
                watched.add(value["Fn::GetAtt"][0])
    assert queues and queues <= watched, queues - watched


def test_public_routes_sit_behind_a_per_ip_rate_limit(translated):
    resources = translated["Resources"]
    [acl] = [r for r in resources.values() if r["Type"] == "AWS::WAFv2::WebACL"]
    limited = []
    for rule in acl["Properties"]["Rules"]:
        if "RateBasedStatement" not in rule["Statement"]:
            continue  # the AWS managed rule groups (test_template_hardening.py)
        statement = rule["Statement"]["RateBasedStatement"]
        assert statement["AggregateKeyType"] == "IP"
        assert "Block" in rule["Action"]
        match = statement["ScopeDownStatement"]["ByteMatchStatement"]
        assert match["PositionalConstraint"] == "STARTS_WITH"
        limited.append(match["SearchString"]["Fn::Sub"].removeprefix("/${Stage}"))
    for path, _ in PUBLIC_ROUTES:
        assert any(path.startswith(prefix) for prefix in limited), f"{path} has no per-IP rate limit"
    assert any(r["Type"] == "AWS::WAFv2::WebACLAssociation" for r in resources.values())


def _references(value, resources: set[str]) -> set[str]:
    """Logical ids a property value refers to through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and inner in resources:
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)} & resources
                if isinstance(inner, list):
                    found |= _references(inner[1], resources)
            else:
                found |= _references(inner, resources)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner, resources)
    return found & resources


def test_the_translated_template_has_no_circular_reference(translated):
    # CloudFormation refuses a cycle at deploy time, and the local runtime would skip the resources in it.
    resources = translated["Resources"]
    names = set(resources)
    edges = {
        name: _references(r.get("Properties", {}), names)
        | set([r["DependsOn"]] if isinstance(r.get("DependsOn"), str) else r.get("DependsOn", []))
        for name, r in resources.items()
    }
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        assert state.get(name) != 1, " -> ".join(path[path.index(name) :] + [name])
        state[name] = 1
        for target in sorted(edges[name]):
            visit(target, path + [name])
        state[name] = 2

    for name in sorted(resources):
        visit(name, [])
