"""The user pool as deployed: verified email changes, no user enumeration, a NIST-style password policy, TOTP MFA,
and its triggers wired with rights on this pool only (README "Users, passwords and MFA")."""

from __future__ import annotations


def _pool(template) -> dict:
    return template["Resources"]["UserPool"]["Properties"]


def test_an_email_change_takes_effect_only_once_verified_and_recovery_is_by_verified_email(template):
    pool = _pool(template)
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Name": "verified_email", "Priority": 1}]
    assert pool["DeletionProtection"] == "ACTIVE"


def test_the_app_client_hides_who_exists_and_writes_no_privileged_attribute(template):
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["GenerateSecret"] is False
    assert set(client["WriteAttributes"]) == {"email", "name"}
    assert "email_verified" in client["ReadAttributes"]
    assert not [a for a in client["WriteAttributes"] + client["ReadAttributes"] if a.startswith("custom:")]


def test_passwords_are_long_without_composition_rules_and_temporary_ones_expire(template):
    policy = _pool(template)["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 15
    assert not any(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert policy["TemporaryPasswordValidityDays"] <= 7


def test_mfa_is_optional_totp_only(template):
    pool = _pool(template)
    assert pool["MfaConfiguration"] == "OPTIONAL" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_the_triggers_are_wired_and_may_touch_this_pool_only(translated):
    resources = translated["Resources"]
    config = resources["UserPool"]["Properties"]["LambdaConfig"]
    function = {"Fn::GetAtt": ["UserPoolTriggersFunction", "Arn"]}
    assert config["PostConfirmation"] == function and config["PreTokenGeneration"] == function
    policy = resources["UserPoolTriggersPolicy"]
    assert policy["Properties"]["Roles"] == [{"Ref": "UserPoolTriggersFunctionRole"}]
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == ["cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminGetUser"]
    assert statement["Resource"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    environment = resources["UserPoolTriggersFunction"]["Properties"]["Environment"]["Variables"]
    staff = {g["Properties"]["GroupName"] for g in resources.values() if g["Type"] == "AWS::Cognito::UserPoolGroup"}
    assert environment["SIGN_UP_GROUP"] == "customer"
    assert set(environment["MFA_REQUIRED_GROUPS"].split(",")) == staff - {"customer"}
