"""Posts the journal entry for a payroll run event (the accrual, the payment, a reversal:
tandem.ledger.inbound.PAYROLL_POSTED_EVENT_TYPES), once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.ledger.bootstrap import services
from tandem.ledger.inbound import PayrollEvent
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# Two guards against redelivery, as for billing's events: the idempotency record, and the entry id derived
# from the event id (written only if new, in the same transaction as the balances).
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    payroll_event = parse(event=event, model=PayrollEvent, envelope=EventBridgeEnvelope)
    message = correlation.bind(logger, correlation.from_event(payroll_event.metadata))
    result = services().post_payroll_event(payroll_event.to_command(), message)
    entry_id = str(result.entry_id)
    if result.posted:
        metrics.add_metric(name="JournalPosted", unit=MetricUnit.Count, value=1)
        logger.info(
            "Journal entry posted", extra={"entry_id": entry_id, "source_event_type": payroll_event.metadata.event_type}
        )
    else:
        logger.info("Nothing posted", extra={"entry_id": entry_id, "reason": result.reason.value})
    return {"entry_id": entry_id, "posted": result.posted, "reason": result.reason.value}
