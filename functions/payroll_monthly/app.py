"""Monthly schedule ``payroll-monthly``: starts the run of the CURRENT month on the 25th, so that approval,
posting and the bank transfer fit before the month's last working day. The run still waits for a payroll user
to approve it; its starter is the schedule, so any payroll user can be the second pair of eyes."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.payroll.bootstrap import services
from tandem.shared import correlation

logger = Logger()
tracer = Tracer()
metrics = Metrics()
SCHEDULE = "schedule:payroll-monthly"


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    context_of_run = correlation.bind(logger, correlation.MessageContext.fresh())
    service = services()
    record = service.start_run(str(service.clock.today())[:7], SCHEDULE, context_of_run)
    metrics.add_metric(name="PayrollRunStarted", unit=MetricUnit.Count, value=1)
    logger.info("Monthly payroll run started", extra={"run_id": record.run.run_id, "period": str(record.run.period)})
    return {"run_id": record.run.run_id, "period": str(record.run.period)}
