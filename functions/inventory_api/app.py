"""Inventory API: the public catalog, and for the inventory team products, stock and purchase orders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.inventory import api_models
from tandem.inventory.bootstrap import services
from tandem.inventory.domain.model import PurchaseOrderStatus
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import error_responses, make_resolver

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = make_resolver(logger=logger, title="Tandem Inventory API", description="Catalog, stock, purchase orders")
STAFF = {"middlewares": [require_groups("inventory")], "tags": ["inventory"]}
SkuPath = Annotated[str, Path(max_length=64)]
Limit = Annotated[int, Query(ge=1, le=100)]
Token = Annotated[str | None, Query(max_length=1024)]


def _ctx() -> correlation.MessageContext:
    return correlation.from_http(app.current_event.raw_event)


@app.post("/products", status_code=201, responses=error_responses(401, 403, 409, 413, 415, 422, 503), **STAFF)
def create_product(body: api_models.NewProduct) -> api_models.ProductView:
    return api_models.ProductView.of(services().create_product(body.to_command(), _ctx()))


@app.put("/products/<sku>", responses=error_responses(401, 403, 404, 413, 415, 422, 503), **STAFF)
def update_product(sku: SkuPath, body: api_models.ProductBody) -> api_models.ProductView:
    return api_models.ProductView.of(services().update_product(body.to_update(sku), _ctx()))


@app.get("/products", tags=["catalog"], responses=error_responses(422, 503))
def list_products(limit: Limit = 50, next_token: Token = None) -> api_models.ProductList:
    return api_models.ProductList.of(services().list_products(limit=limit, cursor=next_token))


@app.get("/products/<sku>", tags=["catalog"], responses=error_responses(404, 422, 503))
def get_product(sku: SkuPath) -> api_models.ProductView:
    return api_models.ProductView.of(services().get_product(sku))


@app.post("/stock/receipts", status_code=201, responses=error_responses(401, 403, 404, 413, 415, 422, 503), **STAFF)
def receive_stock(body: api_models.StockReceipt) -> api_models.StockView:
    return api_models.StockView.of(services().receive_stock(body.to_command(), _ctx()))


@app.post("/stock/adjustments", status_code=201, responses=error_responses(401, 403, 404, 409, 422, 503), **STAFF)
def adjust_stock(body: api_models.StockAdjustment) -> api_models.StockView:
    return api_models.StockView.of(services().adjust_stock(body.to_command(), _ctx()))


@app.get("/stock/<sku>", responses=error_responses(401, 403, 404, 422, 503), **STAFF)
def get_stock(sku: SkuPath) -> api_models.StockView:
    return api_models.StockView.of(*services().stock_of(sku))


@app.get("/purchase-orders", responses=error_responses(401, 403, 422, 503), **STAFF)
def list_purchase_orders(
    status: Annotated[Literal["drafted", "received"] | None, Query()] = None,
    limit: Limit = 50,
    next_token: Token = None,
) -> api_models.PurchaseOrderList:
    wanted = PurchaseOrderStatus(status) if status else None
    return api_models.PurchaseOrderList.of(services().list_purchase_orders(wanted, limit=limit, cursor=next_token))


@app.post("/purchase-orders/<id>/receive", responses=error_responses(401, 403, 404, 409, 503), **STAFF)
def receive_purchase_order(id: Annotated[str, Path(max_length=64)]) -> api_models.ReceivedPurchaseOrder:  # noqa: A002
    return api_models.ReceivedPurchaseOrder.of_receipt(*services().receive_purchase_order(id, _ctx()))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
