"""Resumes an order's saga waiting for its card payment (billing PaymentReceived, EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.sales import bootstrap, consumers, fulfillment
from tandem.sales.domain.commands import ReceivedPayment
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
    envelope = parse(event=event, model=consumers.PaymentReceivedEnvelope, envelope=EventBridgeEnvelope)
    context_ = correlation.bind(logger, correlation.from_event(envelope.metadata))
    data = envelope.data
    payment = ReceivedPayment(payment_id=data.payment_id, amount=data.amount, currency=data.currency)
    outcome = fulfillment.payment_received(data.order_id, payment, bootstrap.orders(), bootstrap.unit_of_work(),
                                           bootstrap.tasks(), context_)
    metrics.add_metric(name=f"Payment_{outcome}", unit=MetricUnit.Count, value=1)
    logger.info("Payment handled", extra={"order_id": (data.order_id or "")[:64], "outcome": outcome})
    return {"order_id": data.order_id[:64] if data.order_id else None, "outcome": outcome}
