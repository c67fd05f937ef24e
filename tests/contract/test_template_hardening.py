"""What the template promises about logs, the WAF, buckets and keys (README "Deploy"): every function and
the state machine log with a retention, the API logs every request, WAF runs AWS's managed rule groups
and logs, buckets take TLS only and log their access, and one optional KMS key reaches every store."""

from __future__ import annotations

import json

IF_KEY = {"Fn::If": ["HasKmsKey", {"Ref": "KmsKeyArn"}, {"Ref": "AWS::NoValue"}]}


def _of(translated, kind: str) -> dict[str, dict]:
    return {k: r for k, r in translated["Resources"].items() if r["Type"] == kind}


def test_log_retention_and_kms_key_are_parameters_that_default_to_today(template):
    params = template["Parameters"]
    assert params["LogRetentionDays"]["Default"] in params["LogRetentionDays"]["AllowedValues"]
    assert 30 in params["LogRetentionDays"]["AllowedValues"] and 3653 in params["LogRetentionDays"]["AllowedValues"]
    assert params["KmsKeyArn"]["Default"] == ""
    assert template["Conditions"]["HasKmsKey"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "KmsKeyArn"}, ""]}]}


def test_every_log_group_has_the_retention_parameter_and_the_optional_key(translated):
    groups = _of(translated, "AWS::Logs::LogGroup")
    assert groups
    for logical_id, group in groups.items():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id
        assert group["Properties"]["KmsKeyId"] == IF_KEY, logical_id


def test_every_function_logs_into_a_group_of_its_own(translated):
    groups = _of(translated, "AWS::Logs::LogGroup")
    used = []
    for logical_id, function in _of(translated, "AWS::Lambda::Function").items():
        target = function["Properties"].get("LoggingConfig", {}).get("LogGroup", {}).get("Ref")
        assert target in groups, f"{logical_id}: LoggingConfig: {{LogGroup: !Ref {logical_id}LogGroup}}"
        used.append(target)
    assert len(used) == len(set(used))


def test_the_state_machine_logs_errors_without_execution_data(translated):
    for logical_id, machine in _of(translated, "AWS::StepFunctions::StateMachine").items():
        logging = machine["Properties"]["LoggingConfiguration"]
        assert logging["Level"] == "ERROR" and logging["IncludeExecutionData"] is False, logical_id
        [destination] = logging["Destinations"]
        group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
        assert translated["Resources"][group]["Type"] == "AWS::Logs::LogGroup"
        role = machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]
        actions = {
            action
            for policy in translated["Resources"][role]["Properties"]["Policies"]
            for statement in policy["PolicyDocument"]["Statement"]
            for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        }
        assert {"logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups"} <= actions


def test_the_api_logs_every_request_as_json_and_only_errors_of_execution(translated):
    [stage] = _of(translated, "AWS::ApiGateway::Stage").values()
    access = stage["Properties"]["AccessLogSetting"]
    assert translated["Resources"][access["DestinationArn"]["Fn::GetAtt"][0]]["Type"] == "AWS::Logs::LogGroup"
    line = json.loads(access["Format"])  # one JSON object per request
    assert {"requestId", "ip", "sub", "status", "latencyMs", "method", "resourcePath"} <= set(line)
    assert line["sub"] == "$context.authorizer.claims.sub"
    [everything] = [m for m in stage["Properties"]["MethodSettings"] if m["ResourcePath"] == "/*"]
    assert everything["LoggingLevel"] == "ERROR"
    assert everything["DataTraceEnabled"] is False  # bodies and tokens never reach the logs
    for setting in stage["Properties"]["MethodSettings"]:
        assert setting.get("DataTraceEnabled", False) is False
    [account] = _of(translated, "AWS::ApiGateway::Account").values()
    role = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    assert "AmazonAPIGatewayPushToCloudWatchLogs" in json.dumps(translated["Resources"][role])
    assert translated["Resources"]["Api"]["DependsOn"] == "ApiGatewayAccount"


def test_waf_runs_the_aws_managed_rule_groups_and_logs_without_tokens(translated):
    [(acl_id, acl)] = _of(translated, "AWS::WAFv2::WebACL").items()
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert set(managed) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    for rule in managed.values():
        assert rule["OverrideAction"] == {"None": {}}  # the groups' own actions block
    common = managed["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    # The functions take bodies up to 64 KiB and refuse more with a clear 413; WAF's 8 KB rule only counts.
    assert common["RuleActionOverrides"] == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    excluded = common["ScopeDownStatement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert excluded["SearchString"] == {"Fn::Sub": "/${Stage}/payments/webhook"}
    priorities = [rule["Priority"] for rule in acl["Properties"]["Rules"]]
    assert len(priorities) == len(set(priorities))

    [logging] = _of(translated, "AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert {"SingleHeader": {"Name": "authorization"}} in logging["Properties"]["RedactedFields"]
    [destination] = logging["Properties"]["LogDestinationConfigs"]
    group = translated["Resources"]["WafLogGroup"]
    assert "${WafLogGroup}" in destination["Fn::Sub"]
    assert group["Properties"]["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")


def _policy_of(translated, bucket: str) -> list[dict]:
    return [
        statement
        for policy in _of(translated, "AWS::S3::BucketPolicy").values()
        if policy["Properties"]["Bucket"] == {"Ref": bucket}
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_buckets_take_tls_only_log_their_access_and_expire_old_versions(translated):
    buckets = _of(translated, "AWS::S3::Bucket")
    log_targets = {
        b["Properties"]["LoggingConfiguration"]["DestinationBucketName"]["Ref"]
        for b in buckets.values()
        if "LoggingConfiguration" in b["Properties"]
    }
    assert log_targets == {"AccessLogsBucket"}
    for logical_id, bucket in buckets.items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), logical_id
        assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}, logical_id
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], logical_id
        assert logical_id in log_targets or "LoggingConfiguration" in props, f"{logical_id} logs its access nowhere"
        rules = props["LifecycleConfiguration"]["Rules"]
        assert any("NoncurrentVersionExpiration" in r and r["Status"] == "Enabled" for r in rules), logical_id
        assert any("AbortIncompleteMultipartUpload" in r for r in rules), logical_id
        tls = [
            s
            for s in _policy_of(translated, logical_id)
            if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert len(tls) == 1 and tls[0]["Principal"] == "*" and tls[0]["Action"] == "s3:*", logical_id
    # The access-log bucket holds logs, not documents: they expire, and S3 can deliver into it (SSE-S3).
    logs = buckets["AccessLogsBucket"]["Properties"]
    assert any(
        r.get("ExpirationInDays") == {"Ref": "LogRetentionDays"} for r in logs["LifecycleConfiguration"]["Rules"]
    )
    [sse] = logs["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert sse["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert any(
        s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}
        for s in _policy_of(translated, "AccessLogsBucket")
    )


def test_the_kms_key_reaches_tables_queues_documents_secrets_and_function_environments(translated):
    for logical_id, table in _of(translated, "AWS::DynamoDB::Table").items():
        assert table["Properties"]["SSESpecification"]["KMSMasterKeyId"] == IF_KEY, logical_id
    for logical_id, queue in _of(translated, "AWS::SQS::Queue").items():
        assert queue["Properties"]["KmsMasterKeyId"] == IF_KEY, logical_id
        assert queue["Properties"]["SqsManagedSseEnabled"] == {"Fn::If": ["HasKmsKey", False, True]}, logical_id
    for logical_id, secret in _of(translated, "AWS::SecretsManager::Secret").items():
        assert secret["Properties"]["KmsKeyId"] == IF_KEY, logical_id
    [sse] = translated["Resources"]["DocumentsBucket"]["Properties"]["BucketEncryption"][
        "ServerSideEncryptionConfiguration"
    ]
    assert sse["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] == IF_KEY
    functions = _of(translated, "AWS::Lambda::Function")
    for logical_id, function in functions.items():
        assert function["Properties"]["KmsKeyArn"] == IF_KEY, logical_id
    # With a key, every function's role may use it (and only it); without one, the policy does not exist.
    policy = translated["Resources"]["KmsKeyUsePolicy"]
    assert policy["Condition"] == "HasKmsKey"
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Ref": "KmsKeyArn"}
    assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    roles = {role["Ref"] for role in policy["Properties"]["Roles"]}
    schedules = _of(translated, "AWS::Scheduler::Schedule").values()  # they send to an encrypted DLQ
    assert roles == {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()} | {
        s["Properties"]["Target"]["RoleArn"]["Fn::GetAtt"][0] for s in schedules
    }
