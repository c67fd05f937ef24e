"""An email to the support address: SES's receipt rule stored its raw MIME in the inbound-mail bucket and
invokes this function (asynchronously) with the receipt event; each record becomes a ticket, a message on
one, or a recorded rejection. Redelivery is harmless: a message is stored once per mailbox."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared.correlation import MessageContext
from tandem.support.bootstrap import services
from tandem.support.domain.commands import ReceiveEmail

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    results = []
    for record in event.get("Records") or []:
        mail = record["ses"]["mail"]
        recipients = tuple(record["ses"]["receipt"].get("recipients") or mail.get("destination") or ())
        ses_id = str(mail["messageId"])
        message = MessageContext(correlation_id=f"ses-{ses_id}"[:128], causation_id=f"ses-{ses_id}"[:128])
        received = services().receive_email(ReceiveEmail(ses_id, recipients), message)
        metrics.add_metric(name=f"InboundEmail{received.outcome.value.title()}", unit=MetricUnit.Count, value=1)
        result = {"ses_message_id": ses_id, "outcome": received.outcome.value, "ticket": received.number}
        logger.info("inbound email handled", extra={**result, "acknowledged": received.acknowledged})
        results.append(result)
    return {"disposition": "CONTINUE", "results": results}
