"""The payroll run's outputs after posting (statemachines/payroll_run.asl.json): write_bank_file, issue_payslips.

A function of its own, apart from payroll_run_task, because it alone may open employees' sealed bank details
(kms:Decrypt on BankDetailsKey), write the documents bucket and send mail: the compute steps never hold them.
Invoked by Step Functions with ``{"action": ..., "run_id": ..., "batch": ...}``; errors propagate with their
class name for the machine's Retry and Catch, as in payroll_run_task.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.payroll.bootstrap import saga_actions
from tandem.shared.saga import UnknownSagaAction

logger = Logger()
tracer = Tracer()
metrics = Metrics()
OUTPUT_ACTIONS = frozenset({"write_bank_file", "issue_payslips"})


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = str(event.get("action"))
    logger.append_keys(action=action, run_id=str(event.get("run_id"))[:64], batch=event.get("batch"))
    if action not in OUTPUT_ACTIONS:  # the compute steps belong to payroll_run_task
        raise UnknownSagaAction(details={"action": action[:64], "known": sorted(OUTPUT_ACTIONS)})
    result = saga_actions().dispatch(event)
    metrics.add_metric(name=f"PayrollOutput_{action}", unit=MetricUnit.Count, value=1)
    logger.info("Payroll output done", extra={"issued": result.get("issued"), "not_mailed": result.get("not_mailed")})
    return result
