"""Daily reorder check (schedule ``reorder-check``): drafts purchase orders for skus at their reorder point."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from tandem.inventory.bootstrap import services
from tandem.shared import correlation

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The schedule's input carries nothing we need; a run drafts what is due and nothing twice."""
    message_context = correlation.bind(logger, correlation.MessageContext.fresh())
    drafted = services().run_reorder_check(message_context)
    metrics.add_metric(name="PurchaseOrderDrafted", unit=MetricUnit.Count, value=len(drafted))
    if drafted:
        logger.info("Drafted purchase orders", extra={"skus": [po.sku for po in drafted]})
    return {"drafted": [{"purchase_order_id": po.id, "sku": po.sku, "quantity": po.quantity} for po in drafted]}
