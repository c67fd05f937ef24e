"""Tells the customer what is owed back, once per refund (EventBridge rule target on billing's RefundDue)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.billing.bootstrap import services
from tandem.billing.domain.events import RefundDueEnvelope
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    notice = parse(event=event, model=RefundDueEnvelope, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(notice.metadata))
    message_id = services().notify_refund_due(str(notice.data.refund_id))
    if message_id is not None:
        metrics.add_metric(name="RefundNoticeSent", unit=MetricUnit.Count, value=1)
    result = {"refund_id": str(notice.data.refund_id), "message_id": message_id}
    logger.info("RefundDue handled", extra=result)
    return result
