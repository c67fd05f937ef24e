"""Daily payment reminders for open invoices past their due date (EventBridge Scheduler target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.bootstrap import services

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Remind every open invoice past due (the schedule's input carries nothing we need).

    One failing invoice does not stop the run; if a failure was transient the run raises at the end,
    so the asynchronous invocation's retry sends those (the ones sent today are skipped by their markers).
    """
    report = services().send_reminders()
    metrics.add_metric(name="InvoiceReminderSent", unit=MetricUnit.Count, value=len(report.sent))
    metrics.add_metric(name="InvoiceReminderFailed", unit=MetricUnit.Count, value=len(report.failed))
    result = {
        "day": report.day.isoformat(),
        "sent": [str(i) for i in report.sent],
        "skipped": [str(i) for i in report.skipped],
        "failed": {str(k): v for k, v in report.failed.items()},
    }
    logger.info(
        "Reminders run", extra={"sent": len(report.sent), "skipped": len(report.skipped), "failed": result["failed"]}
    )
    report.raise_for_retry()
    return result
