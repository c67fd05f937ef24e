"""The order saga's inventory task: ``{"action": "reserve"|"release", ...}`` (docs/order-to-cash.md).

The actions and the errors the state machine's ``Catch``/``Retry`` match are in ``tandem.inventory.saga``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.inventory import saga
from tandem.inventory.bootstrap import services
from tandem.shared import correlation

logger = Logger()
tracer = Tracer()
metrics = Metrics()


def _started(task: saga.StockTask) -> None:
    correlation.bind(logger, task.context())
    logger.append_keys(order_id=task.order_id, action=task.action)


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return saga.dispatch(event, services(), started=_started, count=_count)
