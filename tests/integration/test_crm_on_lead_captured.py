"""CrmOnLeadCapturedFunction under moto: one acknowledgement per event, retries redo failed work."""

from __future__ import annotations

import copy
import io
import json
import logging
import uuid
from datetime import UTC, datetime

import pytest
from moto.ses.models import SESBackend, ses_backends

from .conftest import emf_documents

ACCOUNT, REGION = "123456789012", "eu-central-1"


def _sent():
    return ses_backends[ACCOUNT][REGION].sent_messages


def _for_another_lead(event: dict, email: str | None = None) -> dict:
    """The same LeadCaptured shape with new event and lead ids (and optionally another address)."""
    event = copy.deepcopy(event)
    event["id"] = str(uuid.uuid4())
    event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
    event["detail"]["data"]["lead_id"] = str(uuid.uuid4())
    if email:
        event["detail"]["data"]["email"] = email
    return event


def _quota_items(stack) -> list[dict]:
    return [item for item in stack.items() if item.get("type") == "ack_quota"]


def _metric_names(documents: list[dict]) -> set[str]:
    return {m["Name"] for d in documents for directive in d["_aws"]["CloudWatchMetrics"] for m in directive["Metrics"]}


def test_event_delivered_twice_sends_exactly_one_email(stack, sample):
    event = sample("crm_on_lead_captured/lead_captured")

    first = stack.call("CrmOnLeadCapturedFunction", event)
    second = stack.call("CrmOnLeadCapturedFunction", event)

    assert first == second
    [mail] = _sent()
    assert mail.destinations == {"ToAddresses": ["ada@example.com"]}
    assert mail.source == "hello@tandem.example"
    assert mail.subject == "We received your message"
    assert "Hello Ada Lovelace" in mail.body
    [quota] = _quota_items(stack)
    assert quota["n"] == 1  # the redelivery returned the stored result and counted nothing


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


def test_an_address_gets_three_acknowledgements_a_day_then_none(stack, sample, capsys):
    event = sample("crm_on_lead_captured/lead_captured")
    results = [
        stack.call("CrmOnLeadCapturedFunction", _for_another_lead(event, email=address))
        for address in ("ada@example.com", "ADA@example.com", "Ada@Example.com", "ada@EXAMPLE.com")
    ]

    assert [r["sent"] for r in results] == [True, True, True, False]
    assert len(_sent()) == 3 and results[3]["message_id"] is None
    [quota] = _quota_items(stack)
    assert quota["PK"].startswith("ACKQUOTA#") and "ada" not in quota["PK"]
    assert quota["SK"] == datetime.now(UTC).date().isoformat()
    assert quota["n"] == 3 and quota["expires_at"] > 0
    names = _metric_names(emf_documents(capsys.readouterr().out))
    assert {"AcknowledgementSent", "AcknowledgementSkippedQuota"} <= names


def test_another_address_has_its_own_quota(stack, sample):
    event = sample("crm_on_lead_captured/lead_captured")
    for _ in range(3):
        stack.call("CrmOnLeadCapturedFunction", _for_another_lead(event))

    result = stack.call("CrmOnLeadCapturedFunction", _for_another_lead(event, email="grace@example.com"))

    assert result["sent"] and len(_sent()) == 4


def test_each_sent_acknowledgement_is_an_emf_metric_in_the_tandem_namespace(stack, sample, capsys):
    stack.call("CrmOnLeadCapturedFunction", sample("crm_on_lead_captured/lead_captured"))

    [document] = emf_documents(capsys.readouterr().out)
    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Tandem"
    assert document["AcknowledgementSent"] == [1.0]
    assert document["service"] == "crm"


def test_a_failing_parse_logs_under_this_events_id_not_the_previous_correlation(stack, sample):
    module = stack.module("CrmOnLeadCapturedFunction")
    stack.call("CrmOnLeadCapturedFunction", sample("crm_on_lead_captured/lead_captured"))
    assert module.logger.get_correlation_id() == "web-7f3c2a"
    broken = _for_another_lead(sample("crm_on_lead_captured/lead_captured"))
    broken["detail"]["data"] = {"unexpected": True}

    with pytest.raises(Exception):  # noqa: B017 - a parse error
        stack.call("CrmOnLeadCapturedFunction", broken)

    assert module.logger.get_correlation_id() == broken["id"]


def test_keys_appended_in_one_invocation_do_not_leak_into_the_next(stack, sample):
    module = stack.module("CrmOnLeadCapturedFunction")
    # The "crm" logger is process-wide: a runtime started earlier in this process (e2e) may have left it
    # at its LogLevel parameter. This test reads INFO lines, so it says so.
    module.logger.setLevel(logging.INFO)
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(module.logger.registered_formatter)
    module.logger.addHandler(handler)
    try:
        module.logger.append_keys(leftover="from the previous invocation")
        stack.call("CrmOnLeadCapturedFunction", sample("crm_on_lead_captured/lead_captured"))
    finally:
        module.logger.removeHandler(handler)

    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert logged and all("leftover" not in line for line in logged)
    assert all(line["correlation_id"] == "web-7f3c2a" for line in logged)
