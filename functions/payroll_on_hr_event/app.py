"""Keeps payroll's own read model of employees from HR's events, once each (EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.payroll.bootstrap import services
from tandem.payroll.inbound import HrEvent
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# Order does not matter (changes are kept by HR's change number), so nothing is retried on purpose: only a
# store fault fails the call, which Lambda retries (then ConsumerDLQ).
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    hr_event = HrEvent.parse_detail(event.get("detail") or {})
    correlation.bind(logger, correlation.from_event(hr_event.metadata))
    event_type, command = hr_event.metadata.event_type, hr_event.to_command()
    if command is None:
        logger.info("Nothing for payroll in this event", extra={"event_type": event_type})
        return {"learned": False}
    learned = services().learn(command)
    if learned:
        metrics.add_metric(name="EmployeeFactLearned", unit=MetricUnit.Count, value=1)
    logger.info("HR event read", extra={"event_type": event_type, "employee_id": command.employee_id})
    return {"employee_id": command.employee_id, "learned": learned}
