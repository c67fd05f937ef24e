"""CrmOnLeadCapturedFunction under moto: one acknowledgement per event, retries redo failed work."""

from __future__ import annotations

import pytest
from moto.ses.models import SESBackend, ses_backends

ACCOUNT, REGION = "123456789012", "eu-central-1"


def _sent():
    return ses_backends[ACCOUNT][REGION].sent_messages


def test_event_delivered_twice_sends_exactly_one_email(stack, sample):
    event = sample("crm_on_lead_captured/lead_captured")

    first = stack.call("CrmOnLeadCapturedFunction", event)
    second = stack.call("CrmOnLeadCapturedFunction", event)

    assert first == second
    [mail] = _sent()
    assert mail.destinations == {"ToAddresses": ["ada@example.com"]}
    assert mail.source == "hello@tandem.example"
    assert mail.subject == "Thanks for getting in touch, Ada"
    assert "Hello Ada Lovelace" in mail.body


def test_a_different_event_for_another_lead_gets_its_own_email(stack, sample):
    event = sample("crm_on_lead_captured/lead_captured")
    stack.call("CrmOnLeadCapturedFunction", event)
    event["detail"]["metadata"]["event_id"] = "7d3c6b1a-2e4f-4a5b-9c8d-0e1f2a3b4c5d"

    stack.call("CrmOnLeadCapturedFunction", event)

    assert len(_sent()) == 2


def test_a_failed_send_propagates_and_is_not_remembered(stack, sample, monkeypatch):
    event = sample("crm_on_lead_captured/lead_captured")
    original = SESBackend.send_email
    def ses_down(self, *args, **kwargs):
        raise RuntimeError("down")

    monkeypatch.setattr(SESBackend, "send_email", ses_down)

    with pytest.raises(Exception):  # noqa: B017 - whatever SES raised must reach Lambda
        stack.call("CrmOnLeadCapturedFunction", event)

    monkeypatch.setattr(SESBackend, "send_email", original)
    stack.call("CrmOnLeadCapturedFunction", event)
    assert len(_sent()) == 1


def test_an_event_that_is_not_a_lead_captured_v1_fails_loudly(stack, sample):
    event = sample("crm_on_lead_captured/lead_captured")
    event["detail"]["data"] = {"unexpected": True}

    with pytest.raises(Exception):  # noqa: B017 - a parse error: retried, then the DLQ
        stack.call("CrmOnLeadCapturedFunction", event)
    assert _sent() == []
