"""The support desk's notices from its own events (EventBridge rule target): a solved ticket's satisfaction
survey to its requester (once per ticket, ever), an SLA breach's note to the team lead (once per breach)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer
from tandem.support.bootstrap import services
from tandem.support.domain.commands import SendSurvey
from tandem.support.inbound import SupportNotice

logger = Logger()
tracer = Tracer()
metrics = Metrics()


# A failed send raises: Lambda retries twice, then ConsumerDLQ; the idempotency record of a failure is dropped,
# so the retry does the work, and a redelivery of a handled event returns the stored result.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    notice = parse(event=event, model=SupportNotice, envelope=EventBridgeEnvelope)
    correlation.bind(logger, correlation.from_event(notice.metadata))
    command = notice.data.command()
    if command is None:
        return {"sent": False}
    if isinstance(command, SendSurvey):
        sent, metric = services().send_survey(command), "CsatSurveySent"
    else:
        sent, metric = services().tell_team_lead(command), "TeamLeadToldOfBreach"
    if sent:
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    logger.info("Support notice", extra={"event_type": notice.metadata.event_type, "sent": sent})
    return {"sent": sent}
