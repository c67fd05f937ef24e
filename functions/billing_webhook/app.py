"""Public payment-provider webhook: POST /payments/webhook, authenticated by its Tandem-Signature only."""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing import webhook
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(logger=logger, title="Tandem payments webhook", max_body_bytes=16 * 1024)


# No typed body parameter: Powertools must not parse the body before its signature is checked.
@app.post("/payments/webhook", tags=["payments"], summary="Payment provider events (signed)",
          responses=error_responses(400, 401, 404, 413, 415, 422, 503))
def payment_webhook() -> Response[dict[str, Any]]:
    event = app.current_event
    # The raw event's body, not Powertools' decoded_body: that would decode the bytes as UTF-8 first.
    raw = webhook.raw_body(event.raw_event)
    result = webhook.handle(raw, event.headers, correlation.from_http(event.raw_event), now=time.time())
    if result.get("ignored"):
        metrics.add_metric(name="PaymentEventIgnored", unit=MetricUnit.Count, value=1)
    elif not result["duplicate"]:
        metrics.add_metric(name="PaymentReceived", unit=MetricUnit.Count, value=1)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=result)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
