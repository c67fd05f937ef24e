"""Moves stock when sales reports an order event (EventBridge rule target), once per event:
``OrderShipped`` ships the order's reservation, ``OrderCancelled`` releases it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.inventory.bootstrap import services
from tandem.inventory.inbound import OrderEvent
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
    order_event = parse(event=event, model=OrderEvent, envelope=EventBridgeEnvelope)
    message_context = correlation.bind(logger, correlation.from_event(order_event.metadata))
    moved = services().settle_order(order_event.to_command(), message_context)
    event_type, order_id = order_event.metadata.event_type, order_event.data.order_id
    if moved:
        metrics.add_metric(name=f"StockOn{event_type}", unit=MetricUnit.Count, value=1)
    else:
        logger.warning("No reserved stock for the order: nothing to do", extra={"order_id": order_id})
    return {"order_id": order_id, "event_type": event_type, "stock_moved": moved}
