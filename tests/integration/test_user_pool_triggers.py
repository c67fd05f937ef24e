"""UserPoolTriggersFunction under moto's cognito-idp, with the events Cognito sends: a confirmed self sign-up joins
`customer` (once, however often Cognito calls), a password reset changes no group, and a token carries staff
groups only for a user with TOTP MFA enabled."""

from __future__ import annotations

import boto3
import pytest

from tests.integration.conftest import REGION

FN = "UserPoolTriggersFunction"
EMAIL = "ada@example.com"


@pytest.fixture
def pool(stack) -> str:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    composition = dict.fromkeys(("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"), False)
    policies = {"PasswordPolicy": {"MinimumLength": 15, **composition}}  # template.yaml's
    created = cognito.create_user_pool(PoolName="tandem-test", UsernameAttributes=["email"], Policies=policies)
    pool_id = created["UserPool"]["Id"]
    for group in ("customer", "finance", "admin"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    cognito.admin_create_user(UserPoolId=pool_id, Username=EMAIL, MessageAction="SUPPRESS")
    return pool_id


def _username(pool_id: str) -> str:
    """Cognito's userName in trigger events of a pool with email as username is the user's sub."""
    user = boto3.client("cognito-idp", region_name=REGION).admin_get_user(UserPoolId=pool_id, Username=EMAIL)
    return str(user["Username"])


def _groups(pool_id: str) -> list[str]:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    return [g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=EMAIL)["Groups"]]


def _event(pool_id: str, source: str, **request: object) -> dict:
    """The shape Cognito sends (version 1), as in its developer guide."""
    return {
        "version": "1",
        "region": REGION,
        "userPoolId": pool_id,
        "userName": _username(pool_id),
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "7h5vq0q1exampleclientid"},
        "triggerSource": source,
        "request": {
            "userAttributes": {"sub": _username(pool_id), "email": EMAIL, "email_verified": "true"},
            **request,
        },
        "response": {},
    }


def test_a_confirmed_sign_up_joins_customer_and_a_second_call_changes_nothing(stack, pool):
    event = _event(pool, "PostConfirmation_ConfirmSignUp")

    assert stack.call(FN, event) == event  # Cognito needs its event back
    assert _groups(pool) == ["customer"]
    assert stack.call(FN, _event(pool, "PostConfirmation_ConfirmSignUp")) is not None
    assert _groups(pool) == ["customer"]


def test_a_confirmed_password_reset_changes_no_group(stack, pool):
    stack.call(FN, _event(pool, "PostConfirmation_ConfirmForgotPassword"))

    assert _groups(pool) == []


def _token_event(pool: str, groups: list[str], source: str = "TokenGeneration_Authentication") -> dict:
    configuration = {"groupsToOverride": groups, "iamRolesToOverride": [], "preferredRole": None}
    event = _event(pool, source, groupConfiguration=configuration)
    event["response"] = {"claimsOverrideDetails": None}
    return event


@pytest.mark.parametrize("source", ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"])
def test_a_staff_member_without_totp_gets_a_token_without_the_staff_groups(stack, pool, source):
    answer = stack.call(FN, _token_event(pool, ["finance", "customer", "admin"], source))

    override = answer["response"]["claimsOverrideDetails"]["groupOverrideDetails"]
    assert override == {"groupsToOverride": ["customer"]}


def test_a_staff_member_with_totp_keeps_the_staff_groups(stack, pool):
    # What the user does once signed in: associate an authenticator app, prove a code, prefer TOTP.
    cognito = boto3.client("cognito-idp", region_name=REGION)
    client_id = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    cognito.admin_set_user_password(UserPoolId=pool, Username=EMAIL, Password="correct horse battery", Permanent=True)
    signed_in = cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": EMAIL, "PASSWORD": "correct horse battery"},
    )
    token = signed_in["AuthenticationResult"]["AccessToken"]
    cognito.associate_software_token(AccessToken=token)
    cognito.verify_software_token(AccessToken=token, UserCode="123456")  # moto does not check the code
    cognito.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

    answer = stack.call(FN, _token_event(pool, ["finance"]))

    assert answer["response"] == {"claimsOverrideDetails": None}  # unchanged: Cognito issues the groups it has


def test_a_customer_token_is_left_alone_without_asking_cognito(stack, pool, monkeypatch):
    calls: list[str] = []
    from tandem.shared.aws import bootstrap

    bootstrap.client("cognito-idp").meta.events.register(
        "before-call.cognito-idp", lambda model, **_: calls.append(model.name)
    )
    event = _token_event(pool, ["customer"])
    calls.clear()  # _event read the user to build the event

    answer = stack.call(FN, event)

    assert answer["response"] == {"claimsOverrideDetails": None} and calls == []
