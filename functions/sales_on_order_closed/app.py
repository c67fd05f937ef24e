"""Tells the customer why their order closed, and fails a saga still waiting on a cancelled order's payment.

EventBridge rule target for sales OrderCancelled and OrderRejected; once per event.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.sales.bootstrap import services
from tandem.sales.inbound import ClosedOrderEnvelope
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
    envelope = parse(event=event, model=ClosedOrderEnvelope, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(envelope.metadata))
    sent = services().notify_order_closed(envelope.data)
    result = {"order_id": str(sent.order_id), "message_id": sent.message_id, "task_failed": sent.task_failed}
    metrics.add_metric(name="OrderClosedNoticeSent", unit=MetricUnit.Count, value=1)
    if sent.task_failed:
        metrics.add_metric(name="WaitingSagaFailed", unit=MetricUnit.Count, value=1)
    logger.info("Order closed notice sent", extra=result)
    return result
