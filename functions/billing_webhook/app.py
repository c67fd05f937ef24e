"""Public payment-provider webhook: POST /payments/webhook, authenticated by its Tandem-Signature only."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.api_models import PAYMENT_EVENT_BODY, PaymentAnswer, payment_answer
from tandem.billing.bootstrap import services
from tandem.billing.domain.signature import DEFAULT_TOLERANCE_SECONDS
from tandem.billing.inbound import PaymentDelivery
from tandem.billing.service import PaymentOutcome
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = make_resolver(
    logger=logger,
    title="Tandem payments webhook",
    tags={"payments": "Events from the payment provider, signed instead of sent with a token"},
    max_body_bytes=16 * 1024,
)
Signature = Annotated[
    str | None,
    Header(
        alias="Tandem-Signature",
        description=(
            'Needed (missing or bad: 401). t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook '
            "secret>; several v1 values are accepted (while the secret is rotated); t must be within "
            f"{DEFAULT_TOLERANCE_SECONDS} seconds of now"
        ),
        examples=["t=1795793400,v1=1e86889f1a27d40a2de972dade6e71b46e3fb702e62448b8d0461c4103a4b0a9"],
    ),
]
BAD_SIGNATURE = {**error_responses(401)[401], "description": "Tandem-Signature is missing, malformed, stale or wrong"}


# The body is declared for the document only (openapi_extensions), never as a typed parameter: Powertools
# must not parse it before its signature is checked over the raw bytes.
@app.post(
    "/payments/webhook",
    tags=["payments"],
    summary="Receive a payment event",
    openapi_extensions={"requestBody": PAYMENT_EVENT_BODY},
    responses={401: BAD_SIGNATURE, **error_responses(400, 413, 415, 422)},
)
def receive_payment_event(signature: Signature = None) -> PaymentAnswer:
    """Called by the payment provider, signed instead of a token. A payment.succeeded records the payment on
    its invoice (or on its order, until the order is invoiced) and publishes PaymentReceived (and InvoicePaid
    once paid); a repeated event id changes nothing and answers duplicate. Other event types are ignored."""
    raw = app.current_event.raw_event
    # The exact bytes as received (not Powertools' decoded_body): the signature is checked over them first.
    result = services().receive_payment(PaymentDelivery.of(raw, signature), correlation.from_http(raw))
    if result.outcome is PaymentOutcome.IGNORED:
        metrics.add_metric(name="PaymentEventIgnored", unit=MetricUnit.Count, value=1)
    elif result.outcome is PaymentOutcome.RECORDED:
        metrics.add_metric(name="PaymentReceived", unit=MetricUnit.Count, value=1)
    return payment_answer(result)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
