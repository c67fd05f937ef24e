"""The webhook's request body in the OpenAPI document is written out by hand (the route must not parse the
body before its signature is checked): it has to say what ``inbound.PaymentWebhook`` accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tandem.billing.api_models import PAYMENT_EVENT_BODY
from tandem.billing.inbound import PaymentWebhook

DOCUMENTED = PAYMENT_EVENT_BODY["content"]["application/json"]["schema"]
ACCEPTED = PaymentWebhook.model_json_schema()
CONSTRAINTS = ("minLength", "maxLength", "pattern")


def _text_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """The string constraints of a property, whether it is a plain string or one branch of an anyOf."""
    for branch in [schema, *schema.get("anyOf", [])]:
        if branch.get("type") == "string":
            return {key: branch[key] for key in CONSTRAINTS if key in branch}
    return {}


def test_the_documented_event_has_the_fields_the_reader_takes_and_requires_the_same():
    assert set(DOCUMENTED["properties"]) == set(ACCEPTED["properties"])
    assert sorted(DOCUMENTED["required"]) == sorted(ACCEPTED["required"])
    assert "$ref" not in str(DOCUMENTED) and "$defs" not in str(DOCUMENTED)


@pytest.mark.parametrize("field", ["id", "type", "order_id", "invoice_id", "currency"])
def test_the_documented_text_rules_are_the_readers(field):
    assert _text_rules(DOCUMENTED["properties"][field]) == _text_rules(ACCEPTED["properties"][field])


@pytest.mark.parametrize(
    ("amount", "valid"),
    [("59.98", True), ("1", True), ("999999999999.99", True), ("0.001", False), ("1234567890123.00", False)],
)
def test_the_documented_amount_text_is_what_the_reader_takes(amount, valid):
    [text] = [b for b in DOCUMENTED["properties"]["amount"]["anyOf"] if b["type"] == "string"]
    event = {"id": "evt_1", "type": "payment.succeeded", "order_id": "o-1", "amount": amount, "currency": "EUR"}
    try:
        PaymentWebhook.model_validate(event)
        accepted = True
    except ValueError:
        accepted = False

    assert accepted is valid and bool(re.fullmatch(text["pattern"], amount)) is valid
