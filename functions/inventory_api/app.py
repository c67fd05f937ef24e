"""Inventory API: the public catalog, and for the inventory team products, stock and purchase orders."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.inventory import api_models
from tandem.inventory.bootstrap import services
from tandem.inventory.domain.model import PurchaseOrderStatus
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import IdempotencyKey, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"catalog": "The public product catalog (no token)", "inventory": "Products, stock and purchase orders"}
app = make_resolver(logger=logger, title="Tandem Inventory API", tags=TAGS)
STAFF = {"middlewares": [require_groups("inventory")], "tags": ["inventory"]}
SkuPath = Annotated[str, Path(max_length=64, description="The product's sku (any case)")]


def _ctx() -> correlation.MessageContext:
    return correlation.from_http(app.current_event.raw_event)


@app.post(
    "/products",
    status_code=201,
    summary="Create a product",
    responses=error_responses(400, 409, 413, 415, 422),
    **STAFF,
)
def create_product(body: api_models.NewProduct) -> api_models.ProductView:
    """Adds a product (revision 1) with an empty stock level and publishes ProductCreated. A known sku is a
    409 and changes nothing."""
    return api_models.ProductView.of(services().create_product(body.to_command(), _ctx()))


@app.put(
    "/products/<sku>",
    summary="Update a product",
    responses=error_responses(400, 404, 409, 413, 415, 422),
    **STAFF,
)
def update_product(sku: SkuPath, body: api_models.ProductBody) -> api_models.ProductView:
    """Replaces every field of a product but its sku: its revision goes up by one and ProductUpdated is
    published. Sending the fields it already has changes nothing."""
    return api_models.ProductView.of(services().update_product(body.to_update(sku), _ctx()))


@app.get("/products", tags=["catalog"], summary="List products", responses=error_responses(422))
def list_products(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> api_models.ProductList:
    """The public catalog: active products by sku, one page at a time. Changes nothing."""
    return api_models.ProductList.of(services().list_products(limit=limit, cursor=next_token))


@app.get("/products/<sku>", tags=["catalog"], summary="Get a product", responses=error_responses(404, 422))
def get_product(sku: SkuPath) -> api_models.ProductView:
    """One product by sku, active or not. Changes nothing."""
    return api_models.ProductView.of(services().get_product(sku))


BOOKED = {
    **success(201, "The stock after the booking (or, for a repeated Idempotency-Key, after the first one)"),
    **error_responses(400, 404, 409, 413, 415, 422),
}


@app.post("/stock/receipts", status_code=201, summary="Receive stock", responses=BOOKED, **STAFF)
def receive_stock(body: api_models.StockReceipt, idempotency_key: IdempotencyKey = None) -> api_models.StockView:
    """Books goods in: a receipt movement adds the quantity to on hand and StockReceived is published."""
    reply = body.reply(app.current_event.raw_event, idempotency_key)  # the body first, then the key
    return api_models.StockView.model_validate(services().receive_stock(body.to_command(), _ctx(), reply))


@app.post("/stock/adjustments", status_code=201, summary="Adjust stock", responses=BOOKED, **STAFF)
def adjust_stock(body: api_models.StockAdjustment, idempotency_key: IdempotencyKey = None) -> api_models.StockView:
    """Corrects a product's count by delta with an adjustment movement and publishes StockAdjusted. A decrease
    beyond what is available is a 409 (insufficient_stock) and changes nothing: record a count instead."""
    reply = body.reply(app.current_event.raw_event, idempotency_key)
    return api_models.StockView.model_validate(services().adjust_stock(body.to_command(), _ctx(), reply))


@app.post("/stock/counts", status_code=201, summary="Record a stock count", responses=BOOKED, **STAFF)
def count_stock(body: api_models.StockCount, idempotency_key: IdempotencyKey = None) -> api_models.StockView:
    """Records a physical count: on hand becomes what was counted (a count movement) and StockCounted is
    published. A count below what is reserved is recorded too: nothing is available, at_risk says how many
    reserved units no stock stands behind, and StockShortfallDetected is published."""
    reply = body.reply(app.current_event.raw_event, idempotency_key)
    return api_models.StockView.model_validate(services().count_stock(body.to_command(), _ctx(), reply))


@app.get("/stock/<sku>", summary="Get a product's stock", responses=error_responses(404, 422), **STAFF)
def get_stock(sku: SkuPath) -> api_models.StockView:
    """A product's on hand, reserved and available quantities with its latest 50 movements. Changes nothing."""
    return api_models.StockView.of(*services().stock_of(sku))


@app.get("/purchase-orders", summary="List purchase orders", responses=error_responses(422), **STAFF)
def list_purchase_orders(
    status: Annotated[PurchaseOrderStatus | None, Query(description="Only purchase orders in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> api_models.PurchaseOrderList:
    """Purchase orders, newest first, one page at a time. Changes nothing."""
    return api_models.PurchaseOrderList.of(services().list_purchase_orders(status, limit=limit, cursor=next_token))


@app.post(
    "/purchase-orders/<id>/receive",
    summary="Receive a purchase order",
    responses=error_responses(404, 409, 422),
    **STAFF,
)
def receive_purchase_order(id: Annotated[str, Path(max_length=64)]) -> api_models.ReceivedPurchaseOrder:  # noqa: A002
    """Books a drafted purchase order's quantity into stock and marks it received, in one transaction
    (PurchaseOrderReceived and StockReceived are published). Receiving it again is a 409."""
    return api_models.ReceivedPurchaseOrder.of_receipt(*services().receive_purchase_order(id, _ctx()))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
