"""Sales API: customers and the sales team place orders; everyone with a role follows them."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.sales import api_models
from tandem.sales.bootstrap import services
from tandem.sales.domain.commands import parse_order_id
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import (
    LOCATION,
    IdempotencyKey,
    NextToken,
    PageLimit,
    error_responses,
    make_resolver,
    success,
)
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(
    logger=logger, title="Tandem Sales API", tags={"orders": "Orders placed by customers and the sales team"}
)
ID = Annotated[str, Path(max_length=64)]


@app.post(
    "/orders",
    status_code=201,
    tags=["orders"],
    summary="Place an order",
    middlewares=[require_groups("customer", "sales")],
    responses={
        **success(201, "The order as placed (or, for a repeated Idempotency-Key, as first placed)", headers=LOCATION),
        **error_responses(400, 413, 415, 422),
    },
)
def place_order(
    request: api_models.PlaceOrderRequest, idempotency_key: IdempotencyKey = None
) -> Response[api_models.OrderView]:
    """Places an order for catalog products: prices and tax come from the catalog, stock is reserved and
    the order saga starts (invoice orders are confirmed at once; card orders wait for the payment). A
    customer may only order for their own verified email address; the order then belongs to their token's sub."""
    event, caller = app.current_event.raw_event, api_models.caller_of(app.current_event.raw_event)
    keyed = api_models.keyed_request(event, idempotency_key)
    result = services().place_order(request.to_command(caller), caller, correlation.from_http(event), keyed)
    metrics.add_metric(name="OrderReplayed" if result.replayed else "OrderPlaced", unit=MetricUnit.Count, value=1)
    location = {"Location": f"/orders/{result.order_id}"}
    return Response(201, content_types.APPLICATION_JSON, result.response, headers=location)


@app.get(
    "/orders",
    tags=["orders"],
    summary="List orders",
    middlewares=[require_groups("customer", "sales", "finance", "inventory")],
    responses=error_responses(422),
)
def list_orders(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> api_models.OrderList:
    """Orders, newest first, one page at a time. A customer sees only the orders they placed. Changes nothing."""
    caller = api_models.caller_of(app.current_event.raw_event)
    return api_models.OrderList.of(services().list_orders(caller, limit=limit, cursor=next_token))


@app.get(
    "/orders/<id>",
    tags=["orders"],
    summary="Get an order",
    middlewares=[require_groups("customer", "sales", "finance", "inventory")],
    responses=error_responses(404, 422),
)
def get_order(id: ID) -> api_models.OrderView:  # noqa: A002 - the template's {id}
    """One order with its lines, totals and, once confirmed, its invoice. A customer sees only their own
    (another's answers 404). Changes nothing."""
    caller = api_models.caller_of(app.current_event.raw_event)
    return api_models.OrderView.of(services().get_order(parse_order_id(id), caller))


@app.post(
    "/orders/<id>/cancel",
    tags=["orders"],
    summary="Cancel an order",
    middlewares=[require_groups("customer", "sales")],
    responses=error_responses(400, 404, 409, 413, 415, 422),
)
def cancel_order(
    id: ID,
    request: Annotated[api_models.CancelRequest | None, Body()] = None,  # noqa: A002
) -> api_models.OrderView:
    """Cancels an order that has not shipped: its stock is released, and an issued invoice is credited in
    full by billing. Cancelling a cancelled order answers it unchanged; a shipped one is a 409."""
    event = app.current_event.raw_event
    order = services().cancel_order(
        api_models.cancel_command(id, request), api_models.caller_of(event), correlation.from_http(event)
    )
    return api_models.OrderView.of(order)


@app.post(
    "/orders/<id>/ship",
    tags=["orders"],
    summary="Ship an order",
    middlewares=[require_groups("inventory")],
    responses=error_responses(404, 409, 422),
)
def ship_order(id: ID) -> api_models.OrderView:  # noqa: A002 - the template's {id}
    """Records that a confirmed order left the warehouse: its reserved stock is taken out and the order
    becomes shipped (a shipped order can no longer be cancelled)."""
    order = services().ship_order(api_models.ship_command(id), correlation.from_http(app.current_event.raw_event))
    return api_models.OrderView.of(order)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
