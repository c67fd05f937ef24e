"""SLA check every five minutes (schedule ``sla-check``): raises TicketSlaWarning and TicketSlaBreached once
each for the tickets whose clock still runs, and escalates a breached ticket's priority one step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.support.bootstrap import services

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A run raises what is new and nothing twice. ``scheduled_time`` (optional, ISO 8601 with a zone, as
    EventBridge Scheduler's ``<aws.scheduler.scheduled-time>`` spells it) is the instant checked; else now."""
    message_context = correlation.bind(logger, correlation.MessageContext.fresh())
    check = services().run_sla_check(message_context, _scheduled_time(event))
    metrics.add_metric(name="TicketSlaWarning", unit=MetricUnit.Count, value=check.warnings)
    metrics.add_metric(name="TicketSlaBreached", unit=MetricUnit.Count, value=check.breaches)
    if check.breaches or not check.complete or check.skipped:
        logger.warning("SLA check", extra={"escalated": list(check.escalated), "complete": check.complete})
    return {
        "checked": check.checked,
        "warnings": check.warnings,
        "breaches": check.breaches,
        "escalated": list(check.escalated),
        "complete": check.complete,
        "skipped": check.skipped,
    }


def _scheduled_time(event: dict[str, Any]) -> datetime | None:
    text = event.get("scheduled_time") if isinstance(event, dict) else None
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        if text is not None:
            logger.warning("Ignoring a scheduled_time that is not an aware ISO 8601 instant")
        return None
    return moment
