"""The webhook's signing secrets live in Secrets Manager: several are accepted while one is rotated, they are cached
for max_age, and Secrets Manager being unavailable is a 503, never a 500."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from tandem.billing.adapters.secrets import SecretsManagerWebhookSecrets, accepted_secrets
from tandem.shared.errors import ServiceUnavailable

from tests.integration.conftest import REGION
from tests.integration.test_billing_webhook import FN, SECRET, resign

ORDER_PAYMENT = "billing_webhook/payment_succeeded_order"


def _put(stack, value: dict | str) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=stack.physical["PaymentWebhookSecretStore"], SecretString=text
    )


def _status(stack, sample, secret: str, event_id: str) -> int:
    event = sample(ORDER_PAYMENT)
    body = json.loads(event["body"]) | {"id": event_id}
    return int(stack.call(FN, resign(event, body, secret=secret))["statusCode"])


def test_the_function_reads_the_secret_from_secrets_manager_not_from_its_environment(stack):
    environment = stack.environment(FN)
    assert environment["PAYMENT_WEBHOOK_SECRET_ID"] == stack.physical["PaymentWebhookSecretStore"]
    assert SECRET not in json.dumps(environment)


def test_during_a_rotation_the_current_and_the_previous_secret_are_accepted_and_no_other(stack, sample):
    _put(stack, {"current": "whsec_new_one", "previous": SECRET})

    assert _status(stack, sample, "whsec_new_one", "evt_new") == 200
    assert _status(stack, sample, SECRET, "evt_old") == 200
    assert _status(stack, sample, "whsec_unknown", "evt_unknown") == 401
    recorded = [i for i in stack.items("BillingTable") if i.get("type") == "payment_event"]
    assert len(recorded) == 2


def test_after_the_rotation_the_previous_secret_is_refused(stack, sample):
    _put(stack, {"current": "whsec_new_one", "previous": ""})

    assert _status(stack, sample, SECRET, "evt_old") == 401
    assert _status(stack, sample, "whsec_new_one", "evt_new") == 200


def test_the_value_is_cached_for_max_age_then_read_again(aws):
    client = boto3.client("secretsmanager", region_name=REGION)
    arn = client.create_secret(Name="hook", SecretString=json.dumps({"current": "whsec_a"}))["ARN"]
    cached, uncached = SecretsManagerWebhookSecrets(arn, client), SecretsManagerWebhookSecrets(arn, client, max_age=0)
    assert cached.accepted() == uncached.accepted() == ("whsec_a",)

    client.put_secret_value(SecretId=arn, SecretString=json.dumps({"current": "whsec_b", "previous": "whsec_a"}))

    assert cached.accepted() == ("whsec_a",)  # within max_age (300 s): no call to Secrets Manager
    assert uncached.accepted() == ("whsec_b", "whsec_a")


class _Throttled:
    def get_secret_value(self, **_: object) -> dict:
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "GetSecretValue")


def test_secrets_manager_throttling_is_service_unavailable():
    with pytest.raises(ServiceUnavailable):
        SecretsManagerWebhookSecrets("hook", _Throttled()).accepted()


def test_no_secret_configured_accepts_nothing():
    assert SecretsManagerWebhookSecrets("", _Throttled()).accepted() == ()


@pytest.mark.parametrize(
    ("stored", "accepted"),
    [
        ('{"current": "a1", "previous": "b2"}', ("a1", "b2")),
        ('{"current": "a1", "previous": ""}', ("a1",)),
        ('{"current": "a1", "previous": "a1"}', ("a1",)),
        ('{"current": "a1", "previous": null, "note": "x"}', ("a1",)),
        ('{"current": 5}', ()),
        ("whsec_plain", ("whsec_plain",)),
        ("12345678", ("12345678",)),
        (b"whsec_bytes", ("whsec_bytes",)),
        ("  ", ()),
    ],
)
def test_the_stored_value_names_the_accepted_secrets(stored, accepted):
    assert accepted_secrets(stored) == accepted
