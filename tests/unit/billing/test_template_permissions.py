"""The billing functions' IAM statements in template.yaml: what each one sends and writes, no more."""

from __future__ import annotations

from pathlib import Path

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[3]
BILLING = [
    "BillingFulfillmentFunction",
    "BillingApiFunction",
    "BillingWebhookFunction",
    "BillingOnOrderEventFunction",
    "BillingInvoiceRemindersFunction",
    "BillingRefundsApiFunction",
    "BillingOnRefundDueFunction",
]


@pytest.fixture(scope="module")
def resources() -> dict:
    return yaml_parse((ROOT / "template.yaml").read_text())["Resources"]


def _statements(resources, name):
    """The inline statements (SAM policy templates such as AWSSecretsManagerGetSecretValuePolicy are not)."""
    return [s for policy in resources[name]["Properties"]["Policies"] for s in policy.get("Statement", [])]


def test_only_the_webhook_reads_the_webhook_secret_and_only_that_secret(resources):
    readers = {
        name: [p for p in resources[name]["Properties"]["Policies"] if "AWSSecretsManagerGetSecretValuePolicy" in p]
        for name in BILLING
    }
    expected = [{"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "PaymentWebhookSecretStore"}}}]
    assert {name: found for name, found in readers.items() if found} == {"BillingWebhookFunction": expected}
    variables = resources["BillingWebhookFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["PAYMENT_WEBHOOK_SECRET_ID"] == {"Ref": "PaymentWebhookSecretStore"}
    assert "PAYMENT_WEBHOOK_SECRET" not in variables  # the secret itself is in no environment


def _actions(statement) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def test_the_confirmation_with_its_pdf_may_send_raw_mail(resources):
    ses = [a for s in _statements(resources, "BillingFulfillmentFunction") for a in _actions(s) if a.startswith("ses:")]
    assert "ses:SendRawEmail" in ses


def test_reminders_send_simple_mail_only(resources):
    ses = [
        a
        for s in _statements(resources, "BillingInvoiceRemindersFunction")
        for a in _actions(s)
        if a.startswith("ses:")
    ]
    assert ses == ["ses:SendEmail"]


@pytest.mark.parametrize("name", BILLING)
def test_no_billing_function_is_granted_condition_checks_it_never_issues(resources, name):
    assert not any("dynamodb:ConditionCheckItem" in _actions(s) for s in _statements(resources, name))


@pytest.mark.parametrize(
    ("name", "prefixes"),
    [
        (
            "BillingFulfillmentFunction",
            {"COUNTER#*", "INVOICE#*", "ORDER#*", "CREDITNOTE#*", "REFUND#*", "OUTBOX#*", "OWNER#*"},
        ),
        ("BillingApiFunction", {"COUNTER#*", "INVOICE#*", "CREDITNOTE#*", "REFUND#*", "OUTBOX#*", "IDEMKEY#*"}),
        ("BillingWebhookFunction", {"PAYMENTEVENT#*", "PAYMENT#*", "INVOICE#*", "ORDER#*", "REFUND#*", "OUTBOX#*"}),
        (
            "BillingOnOrderEventFunction",
            {"COUNTER#*", "INVOICE#*", "CREDITNOTE#*", "ORDER#*", "REFUND#*", "OUTBOX#*"},
        ),
        ("BillingRefundsApiFunction", {"REFUND#*", "PAYMENT#*", "INVOICE#*", "OUTBOX#*", "IDEMKEY#*"}),
        ("BillingOnRefundDueFunction", {"REFUND#*"}),
        ("BillingInvoiceRemindersFunction", {"REMINDER#*"}),
    ],
)
def test_table_writes_are_limited_to_the_partitions_each_function_writes(resources, name, prefixes):
    writes = [
        s
        for s in _statements(resources, name)
        if s["Resource"] == {"Fn::GetAtt": ["BillingTable", "Arn"]}
        and {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & set(_actions(s))
    ]
    assert writes
    for statement in writes:
        assert set(statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]) == prefixes


def test_issuing_may_batch_read_the_order_and_counter(resources):
    actions = {a for s in _statements(resources, "BillingFulfillmentFunction") for a in _actions(s)}
    assert "dynamodb:BatchGetItem" in actions
