"""The event envelope: metadata, correlation and what goes into an EventBridge entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from pydantic import ValidationError
from tandem.crm.leads.domain.events import LeadCaptured, LeadCapturedEnvelope
from tandem.shared.correlation import MessageContext, from_event, from_http
from tandem.shared.envelope import Envelope

NOW = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)


def _event() -> LeadCaptured:
    return LeadCaptured(lead_id=uuid4(), name="Ada", email="ada@example.com", consent=True, captured_at=NOW)


def test_wrapped_event_carries_type_version_and_correlation():
    envelope = Envelope.wrap(_event(), MessageContext("corr-1", "req-1"), occurred_at=NOW)

    assert envelope.metadata.event_type == "LeadCaptured"
    assert envelope.metadata.version == 1
    assert envelope.metadata.correlation_id == "corr-1"
    assert envelope.metadata.causation_id == "req-1"


def test_source_is_the_context_and_the_detail_holds_metadata_and_data():
    envelope = Envelope.wrap(_event(), MessageContext("c", "c"), occurred_at=NOW)

    assert envelope.source == "tandem.crm"
    detail = json.loads(envelope.to_json())
    assert set(detail) == {"metadata", "data"}
    assert detail["metadata"]["occurred_at"] == "2026-11-27T15:30:00Z"


def test_occurred_at_is_normalised_to_utc_and_naive_times_are_refused():
    cet = timezone(timedelta(hours=1))
    envelope = Envelope.wrap(_event(), MessageContext("c", "c"), occurred_at=NOW.astimezone(cet))
    assert envelope.metadata.occurred_at.utcoffset() == timedelta(0)
    with pytest.raises(ValidationError):
        Envelope.wrap(_event(), MessageContext("c", "c"), occurred_at=datetime(2026, 1, 1))


def test_round_trip_through_json_and_unknown_fields_are_tolerated():
    envelope = Envelope.wrap(_event(), MessageContext("c", "c"), occurred_at=NOW)
    raw = json.loads(envelope.to_json())
    raw["data"]["added_later"] = "ok"

    parsed = LeadCapturedEnvelope.model_validate(raw)

    assert parsed.data.lead_id == envelope.data.lead_id


def test_an_envelope_of_another_type_is_refused():
    raw = json.loads(Envelope.wrap(_event(), MessageContext("c", "c"), occurred_at=NOW).to_json())
    raw["metadata"]["event_type"] = "OrderPlaced"
    with pytest.raises(ValidationError):
        LeadCapturedEnvelope.model_validate(raw)


def test_http_correlation_prefers_a_safe_header_and_falls_back_to_the_request_id():
    event = {"headers": {"X-Correlation-Id": "web-1"}, "requestContext": {"requestId": "req-9"}}
    assert from_http(event) == MessageContext("web-1", "req-9")
    event["headers"]["X-Correlation-Id"] = "bad\nINJECTED log line"
    assert from_http(event) == MessageContext("req-9", "req-9")
    assert from_http({"headers": None, "requestContext": {"requestId": "r"}}).correlation_id == "r"


def test_consumers_carry_correlation_and_use_the_event_as_cause():
    envelope = Envelope.wrap(_event(), MessageContext("corr", "req"), occurred_at=NOW)
    context = from_event(envelope.metadata)
    assert context == MessageContext("corr", str(envelope.metadata.event_id))
