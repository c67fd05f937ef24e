"""The sales tasks of the OrderFulfillment saga: begin, reject, await_payment, confirm, cancel.

Invoked by Step Functions (lambda:invoke) with ``{"action": ..., ...}``. Errors propagate with their
class name, which is what the state machine's Catch matches (SagaAlreadyStarted, OrderNotConfirmable,
PaymentAlreadyReceived) and Retry retries (PersistenceError, TransactionConflict, ConcurrentOrderUpdate,
ServiceUnavailable); an unknown action is UnknownSagaAction, malformed input InvalidSagaInput.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.sales.bootstrap import saga_actions

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = str(event.get("action"))
    logger.append_keys(action=action, order_id=str(event.get("order_id")))
    result = saga_actions().dispatch(event)
    metrics.add_metric(name=f"Saga_{action[:32]}", unit=MetricUnit.Count, value=1)
    logger.info("Saga action done", extra={"status": result.get("status")})
    return result
