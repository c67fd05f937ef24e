"""Acknowledges a captured lead by email, once per event (EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.crm.leads.bootstrap import services
from tandem.crm.leads.domain.commands import AcknowledgeLead
from tandem.crm.leads.domain.events import LeadCapturedEnvelope
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# The EventBridge event id is the correlation id until the envelope is parsed, so a failing parse
# never logs under the previous invocation's id; clear_state drops that invocation's keys.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    envelope = parse(event=event, model=LeadCapturedEnvelope, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(envelope.metadata))
    result = services().acknowledge_lead(AcknowledgeLead.of(envelope.data))
    lead_id = str(result.lead_id)
    if result.sent:
        metrics.add_metric(name="AcknowledgementSent", unit=MetricUnit.Count, value=1)
        logger.info("Acknowledgement sent", extra={"lead_id": lead_id, "message_id": result.message_id})
    else:
        metrics.add_metric(name="AcknowledgementSkippedQuota", unit=MetricUnit.Count, value=1)
        logger.warning("Acknowledgement skipped: the address had its quota for today", extra={"lead_id": lead_id})
    return {"lead_id": lead_id, "message_id": result.message_id, "sent": result.sent}
