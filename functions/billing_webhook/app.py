"""Public payment-provider webhook: POST /payments/webhook, authenticated by its Tandem-Signature only."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.api_models import payment_answer
from tandem.billing.bootstrap import services
from tandem.billing.inbound import PaymentDelivery
from tandem.billing.service import PaymentOutcome
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(logger=logger, title="Tandem payments webhook", max_body_bytes=16 * 1024)


# No typed body parameter: Powertools must not parse the body before its signature is checked.
@app.post(
    "/payments/webhook",
    tags=["payments"],
    summary="Payment provider events (signed)",
    responses=error_responses(400, 401, 404, 413, 415, 422, 503),
)
def payment_webhook() -> Response[dict[str, Any]]:
    raw = app.current_event.raw_event
    # The exact bytes as received (not Powertools' decoded_body): the signature is checked over them first.
    result = services().receive_payment(PaymentDelivery.of(raw), correlation.from_http(raw))
    if result.outcome is PaymentOutcome.IGNORED:
        metrics.add_metric(name="PaymentEventIgnored", unit=MetricUnit.Count, value=1)
    elif result.outcome is PaymentOutcome.RECORDED:
        metrics.add_metric(name="PaymentReceived", unit=MetricUnit.Count, value=1)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=payment_answer(result))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
