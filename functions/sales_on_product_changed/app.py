"""Keeps sales' catalog read model: the newest revision of each inventory product (EventBridge rule target)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.envelopes import EventBridgeEnvelope
from tandem.sales.bootstrap import services
from tandem.sales.inbound import ProductChangedEnvelope
from tandem.shared.aws.idempotency import idempotent_consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
@tracer.capture_lambda_handler
@idempotent_consumer()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    envelope = parse(event=event, model=ProductChangedEnvelope, envelope=EventBridgeEnvelope)
    stored = services().update_catalog(envelope.data.to_command())
    metrics.add_metric(name="CatalogUpdated" if stored else "CatalogStaleIgnored", unit=MetricUnit.Count, value=1)
    logger.info("Catalog entry", extra={"sku": envelope.data.sku, "revision": envelope.data.revision, "stored": stored})
    return {"sku": envelope.data.sku, "revision": envelope.data.revision, "stored": stored}
