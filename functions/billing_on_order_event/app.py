"""The sales context's order events billing acts on, once per event (EventBridge rule target): OrderPlaced
(billing learns the order), OrderCancelled and OrderRejected (credit its invoice, or owe its payments back)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.billing.bootstrap import services
from tandem.billing.inbound import OrderPlacedNotice, order_notice
from tandem.shared import correlation
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    notice = parse(event=event, model=order_notice(event.get("detail-type")), envelope=EventBridgeEnvelope)
    message_context = correlation.bind(logger, correlation.from_event(notice.metadata))
    if isinstance(notice, OrderPlacedNotice):
        return {"order_id": notice.data.order_id, "recorded": services().record_order(notice.to_command())}
    done = services().settle_cancelled_order(notice.to_command(), message_context)
    result: dict[str, Any] = {"order_id": notice.data.order_id, "credited": done.note is not None}
    if done.note is not None:
        result |= {"credit_note_id": str(done.note.id), "number": done.note.number}
    elif done.refund is not None:
        result |= {
            "why": done.outcome.value,
            "refund_due": [str(i) for i in done.refund.payment_ids],
            "refund_amount": str(done.refund.amount),
        }
    if result["credited"]:
        metrics.add_metric(name="CancelledOrderCredited", unit=MetricUnit.Count, value=1)
    logger.info(f"{notice.metadata.event_type} handled", extra=result)
    return result
