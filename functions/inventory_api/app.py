"""Inventory API: the public catalog, and for the inventory team products, stock and purchase orders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from tandem.inventory import api_models as m
from tandem.inventory import bootstrap as b
from tandem.inventory import purchasing, service
from tandem.inventory.domain.rules import normalize_sku
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
def create_product(body: m.NewProduct) -> m.ProductView:
    return m.ProductView.of(service.create_product(body.to_command(), b.unit_of_work(), _ctx(),
                                                   base_currency=b.base_currency()))


@app.put("/products/<sku>", responses=error_responses(401, 403, 404, 413, 415, 422, 503), **STAFF)
def update_product(sku: SkuPath, body: m.ProductBody) -> m.ProductView:
    return m.ProductView.of(service.update_product(body.to_update(sku), b.unit_of_work(), b.reader(), _ctx(),
                                                   base_currency=b.base_currency()))


@app.get("/products", tags=["catalog"], responses=error_responses(422, 503))
def list_products(limit: Limit = 50, next_token: Token = None) -> m.ProductList:
    return m.ProductList.of(service.list_products(b.reader(), limit=limit, cursor=next_token))


@app.get("/products/<sku>", tags=["catalog"], responses=error_responses(404, 422, 503))
def get_product(sku: SkuPath) -> m.ProductView:
    return m.ProductView.of(service.get_product(b.reader(), normalize_sku(sku)))


@app.post("/stock/receipts", status_code=201, responses=error_responses(401, 403, 404, 413, 415, 422, 503), **STAFF)
def receive_stock(body: m.StockReceipt) -> m.StockView:
    return m.StockView.of(service.receive_stock(body.to_command(), b.unit_of_work(), b.reader(), _ctx()))


@app.post("/stock/adjustments", status_code=201, responses=error_responses(401, 403, 404, 409, 422, 503), **STAFF)
def adjust_stock(body: m.StockAdjustment) -> m.StockView:
    return m.StockView.of(service.adjust_stock(body.to_command(), b.unit_of_work(), b.reader(), _ctx()))


@app.get("/stock/<sku>", responses=error_responses(401, 403, 404, 422, 503), **STAFF)
def get_stock(sku: SkuPath) -> m.StockView:
    return m.StockView.of(*service.stock_of(b.reader(), normalize_sku(sku)))


@app.get("/purchase-orders", responses=error_responses(401, 403, 422, 503), **STAFF)
def list_purchase_orders(status: Annotated[Literal["drafted", "received"] | None, Query()] = None,
                         limit: Limit = 50, next_token: Token = None) -> m.PurchaseOrderList:
    page = purchasing.list_purchase_orders(b.reader(), status=status, limit=limit, cursor=next_token)
    return m.PurchaseOrderList.of(page)


@app.post("/purchase-orders/<id>/receive", responses=error_responses(401, 403, 404, 409, 503), **STAFF)
def receive_purchase_order(id: Annotated[str, Path(max_length=64)]) -> m.ReceivedPurchaseOrder:  # noqa: A002
    po, level = purchasing.receive_purchase_order(id, b.unit_of_work(), b.reader(), _ctx())
    return m.ReceivedPurchaseOrder(**m.PurchaseOrderView.of(po).model_dump(), stock=m.StockView.of(level))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
