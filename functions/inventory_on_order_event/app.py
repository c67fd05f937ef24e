"""Moves stock when sales reports an order event (EventBridge rule target), once per event:
``OrderShipped`` ships the order's reservation, ``OrderCancelled`` releases it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.inventory import bootstrap, fulfillment
from tandem.inventory.messages import ORDER_EVENTS, OrderShipped
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
    detail_type = event.get("detail-type")
    if detail_type not in ORDER_EVENTS:  # the rule sends only these; anything else is a wiring bug
        raise ValueError(f"Unexpected event type {str(detail_type)[:64]!r}")
    envelope = parse(event=event, model=ORDER_EVENTS[detail_type], envelope=EventBridgeEnvelope)
    message_context = correlation.bind(logger, correlation.from_event(envelope.metadata))
    order_id = envelope.data.order_id
    uow, reader = bootstrap.unit_of_work(), bootstrap.reader()
    if isinstance(envelope, OrderShipped):
        moved = fulfillment.ship(envelope.data.to_command(), uow, reader, message_context) is not None
    else:
        moved = fulfillment.release(envelope.data.to_command(), uow, reader, message_context)
    if moved:
        metrics.add_metric(name=f"StockOn{detail_type}", unit=MetricUnit.Count, value=1)
    else:
        logger.warning("No reserved stock for the order: nothing to do", extra={"order_id": order_id})
    return {"order_id": order_id, "event_type": detail_type, "stock_moved": moved}
