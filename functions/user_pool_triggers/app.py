"""The user pool's Lambda triggers (synchronous, called by Cognito): post confirmation puts a self-signed-up user
in ``customer``; pre token generation leaves staff groups out of the tokens of users without TOTP MFA
(``tandem.shared.aws.user_pool``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from tandem.shared.aws import wiring

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer Cognito with its event, changed only as the trigger decides."""
    logger.append_keys(trigger_source=event.get("triggerSource"), user=event.get("userName"))
    answer = wiring.user_pool_triggers().handle(event)
    overridden = bool((answer.get("response") or {}).get("claimsOverrideDetails"))
    logger.info("User pool trigger handled", extra={"staff_groups_dropped": overridden})
    return answer
