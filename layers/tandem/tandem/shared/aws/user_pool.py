"""The user pool's Lambda triggers: who joins which group at sign-up, and which groups need MFA.

- **Post confirmation** (``PostConfirmation_ConfirmSignUp`` only): a user who signed up themselves and confirmed
  their email joins the sign-up group (``customer``). Idempotent: Cognito may call the trigger again, and adding
  a member again changes nothing. A confirmed password reset (``PostConfirmation_ConfirmForgotPassword``)
  changes no group.
- **Pre token generation**: Cognito cannot require MFA per group, so a token carries a staff group (one of
  ``mfa_groups``) only for a user who has TOTP MFA enabled, and with MFA optional in the pool Cognito then
  asks every such user for the code at sign-in. A staff member without it gets a token without the staff
  groups: enough to enrol TOTP (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference), then
  sign in again. Only users in a staff group cost a call to Cognito (AdminGetUser).

Both answer Cognito with the event they got (plus the pre-token override). Transient Cognito failures
propagate (botocore retries first): Cognito then fails the sign-up confirmation or the sign-in, which the
user retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

# A trigger event as Cognito sends it (JSON): read with type checks, answered with the same object.
Event = dict[str, object]

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
PRE_TOKEN_SOURCES = frozenset(
    {
        "TokenGeneration_HostedAuth",
        "TokenGeneration_Authentication",
        "TokenGeneration_NewPasswordChallenge",
        "TokenGeneration_AuthenticateDevice",
        "TokenGeneration_RefreshTokens",
    }
)
TOTP = "SOFTWARE_TOKEN_MFA"


class CognitoClient(Protocol):
    """What the triggers call of a boto3 ``cognito-idp`` client (allowed on this pool only)."""

    def admin_add_user_to_group(self, *, UserPoolId: str, Username: str, GroupName: str) -> object: ...  # noqa: N803
    def admin_get_user(self, *, UserPoolId: str, Username: str) -> Mapping[str, object]: ...  # noqa: N803


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


class UserPoolTriggers:
    """``client`` is a ``cognito-idp`` client allowed AdminAddUserToGroup and AdminGetUser on the pool."""

    def __init__(self, client: CognitoClient, *, sign_up_group: str, mfa_groups: Iterable[str]) -> None:
        self.client = client
        self.sign_up_group = sign_up_group
        self.mfa_groups = frozenset(mfa_groups)

    def handle(self, event: Event) -> Event:
        """Dispatch on ``triggerSource``; any other source is answered unchanged."""
        source = event.get("triggerSource")
        if source == CONFIRM_SIGN_UP:
            self.join_sign_up_group(str(event["userPoolId"]), str(event["userName"]))
        elif source in PRE_TOKEN_SOURCES:
            self.drop_staff_groups_without_mfa(event)
        return event

    def join_sign_up_group(self, pool_id: str, username: str) -> None:
        """Add the user to the sign-up group (already a member: nothing changes)."""
        self.client.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=self.sign_up_group)

    def drop_staff_groups_without_mfa(self, event: Event) -> bool:
        """Leave the staff groups out of the token of a user without TOTP MFA. True when groups were dropped."""
        listed = _mapping(_mapping(event.get("request")).get("groupConfiguration")).get("groupsToOverride")
        groups = [str(group) for group in listed] if isinstance(listed, list) else []
        if not self.mfa_groups.intersection(groups):
            return False
        user = self.client.admin_get_user(UserPoolId=str(event["userPoolId"]), Username=str(event["userName"]))
        enabled = user.get("UserMFASettingList")
        if isinstance(enabled, list) and TOTP in enabled:
            return False
        kept = [group for group in groups if group not in self.mfa_groups]
        response = dict(_mapping(event.get("response")))
        overrides = dict(_mapping(response.get("claimsOverrideDetails")))
        overrides["groupOverrideDetails"] = {"groupsToOverride": kept}
        response["claimsOverrideDetails"] = overrides
        event["response"] = response
        return True
