"""Acknowledges a captured lead by email, once per event (EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.crm import bootstrap, service
from tandem.crm.domain.events import LeadCapturedEnvelope
from tandem.shared import correlation
from tandem.shared.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    envelope = parse(event=event, model=LeadCapturedEnvelope, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(envelope.metadata))
    message_id = service.acknowledge_lead(envelope.data, bootstrap.mailer())
    logger.info("Acknowledgement sent", extra={
        "lead_id": str(envelope.data.lead_id), "message_id": message_id})
    return {"lead_id": str(envelope.data.lead_id), "message_id": message_id}
