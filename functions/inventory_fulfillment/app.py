"""The order saga's inventory task: ``{"action": "reserve"|"release", ...}`` (docs/order-to-cash.md).

Errors propagate with their class name as Lambda's ``errorType``, which the state machine's
``Catch``/``Retry`` match: ``InsufficientStock`` (Cause: ``{"shortages": [...]}``), and the transient
``TransactionConflict`` / ``StaleState`` / ``PersistenceError`` after this function's own short retries.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.inventory import bootstrap, fulfillment
from tandem.inventory.messages import ReserveTask, parse_task
from tandem.shared import correlation

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    task = parse_task(event)
    message_context = correlation.bind(logger, task.context())
    logger.append_keys(order_id=task.order_id, action=task.action)
    if isinstance(task, ReserveTask):
        reservation = fulfillment.reserve(task.to_command(), bootstrap.unit_of_work(), bootstrap.reader(),
                                          message_context)
        metrics.add_metric(name="StockReserved", unit=MetricUnit.Count, value=1)
        return {"order_id": reservation.order_id,
                "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in reservation.lines]}
    released = fulfillment.release(task.to_command(), bootstrap.unit_of_work(), bootstrap.reader(),
                                   message_context)
    if released:
        metrics.add_metric(name="StockReleased", unit=MetricUnit.Count, value=1)
    return {"order_id": task.order_id, "released": released}
