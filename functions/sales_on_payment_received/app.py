"""Resumes an order's saga waiting for its card payment (billing PaymentReceived, EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.sales.bootstrap import services
from tandem.sales.inbound import PaymentReceivedEnvelope
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
    envelope = parse(event=event, model=PaymentReceivedEnvelope, envelope=EventBridgeEnvelope)
    message_context = correlation.bind(logger, correlation.from_event(envelope.metadata))
    order_id = envelope.data.order_id
    outcome = services().payment_received(envelope.data.to_command(), message_context).value
    metrics.add_metric(name=f"Payment_{outcome}", unit=MetricUnit.Count, value=1)
    logger.info("Payment handled", extra={"order_id": (order_id or "")[:64], "outcome": outcome})
    return {"order_id": order_id[:64] if order_id else None, "outcome": outcome}
