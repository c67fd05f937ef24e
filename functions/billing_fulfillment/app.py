"""Billing's task function in the order-fulfillment state machine: issue_invoice, send_confirmation,
credit_order (``{"action": ...}``; errors are raised by class name for the state machine's Catch/Retry)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.bootstrap import services
from tandem.billing.saga import actions

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order = event.get("order")
    order_id = order.get("order_id") if isinstance(order, dict) else event.get("order_id")
    logger.append_keys(action=event.get("action"), order_id=order_id)
    if order_id:
        logger.set_correlation_id(str(event.get("correlation_id") or order_id))
    result = actions(services()).dispatch(event)
    metrics.add_metric(name=f"Task_{event['action']}", unit=MetricUnit.Count, value=1)
    logger.info("Task done", extra={"result": result})
    return result
