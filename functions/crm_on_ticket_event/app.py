"""Records a support ticket event on its requester's timeline and open tickets, once (EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.crm.customers.bootstrap import services
from tandem.crm.customers.inbound import SupportEvent
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# A ticket event without requester_email, before the TicketOpened that links the ticket to its customer,
# raises CustomerNotYetKnown: Lambda retries it later (then ConsumerDLQ), as for a payment of an unknown order.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    ticket_event = parse(event=event, model=SupportEvent, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(ticket_event.metadata))
    result = services().record_activity(ticket_event.to_command())
    customer_id, event_type = str(result.customer_id), ticket_event.metadata.event_type
    if result.recorded:
        metrics.add_metric(name="TimelineEntryRecorded", unit=MetricUnit.Count, value=1)
        logger.info("Timeline entry recorded", extra={"customer_id": customer_id, "event_type": event_type})
    else:
        logger.info("Timeline already had this event", extra={"customer_id": customer_id, "event_type": event_type})
    return {"customer_id": customer_id, "recorded": result.recorded}
