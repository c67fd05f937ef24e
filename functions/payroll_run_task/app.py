"""The payroll run's tasks (statemachines/payroll_run.asl.json): snapshot, compute_batch, fail_batch, finish,
await_approval, post, discard.

Invoked by Step Functions with ``{"action": ..., "run_id": ...}``. Errors propagate with their class name, which
the machine's Retry (PersistenceError, TransactionConflict, ConditionFailed) and Catch match; an unknown action
is UnknownSagaAction, malformed input InvalidPayrollSagaInput.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.payroll.bootstrap import saga_actions

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = str(event.get("action"))
    logger.append_keys(action=action, run_id=str(event.get("run_id"))[:64], batch=event.get("batch"))
    result = saga_actions().dispatch(event)
    metrics.add_metric(name=f"PayrollTask_{action[:32]}", unit=MetricUnit.Count, value=1)
    logger.info("Payroll task done", extra={"status": result.get("status"), "failures": result.get("failures")})
    return result
