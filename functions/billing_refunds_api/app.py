"""Refunds and held payments API for the finance team: what is owed back, and money that matched nothing."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing import api_models as views
from tandem.billing.bootstrap import services
from tandem.billing.domain.commands import ListHeldPayments, ListRefunds
from tandem.billing.domain.refunds import PaymentStatus, RefundStatus
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import LOCATION, IdempotencyKey, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"refunds": "Money owed back to customers", "held payments": "Payments billing could not match on its own"}
app = make_resolver(logger=logger, title="Tandem Refunds API", tags=TAGS)
FINANCE = [require_groups("finance")]
REFUND_ID = Annotated[str, Path(max_length=64, description="The refund's id")]
PAYMENT_ID = Annotated[str, Path(max_length=64, description="The held payment's id")]


@app.get("/refunds", tags=["refunds"], summary="List refunds", middlewares=FINANCE, responses=error_responses(422))
def list_refunds(
    status: Annotated[RefundStatus | None, Query(description="Only refunds in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> views.RefundList:
    """Refunds, newest first, a page at a time. Changes nothing."""
    return views.RefundList.of(services().list_refunds(ListRefunds(status=status, limit=limit, cursor=next_token)))


@app.get(
    "/refunds/<id>", tags=["refunds"], summary="Get a refund", middlewares=FINANCE, responses=error_responses(404, 422)
)
def get_refund(id: REFUND_ID) -> views.RefundView:  # noqa: A002 - the template's {id}
    """One refund: who is owed how much, why, from which payments and documents. Changes nothing."""
    return views.RefundView.of(services().get_refund(id))


@app.post(
    "/refunds/<id>/paid",
    tags=["refunds"],
    summary="Record a refund's payout",
    middlewares=FINANCE,
    responses={
        **success(200, "The refund, paid (a refund paid before: as first paid)"),
        **error_responses(400, 404, 413, 415, 422),
    },
)
def mark_refund_paid(
    id: REFUND_ID,  # noqa: A002 - the template's {id}
    request: views.RefundPaidRequest,
    idempotency_key: IdempotencyKey = None,
) -> views.RefundView:
    """Records that the refund was paid out (with the payout's reference) and publishes RefundPaid, once: a
    refund already paid is answered as it is, and nothing changes."""
    raw = app.current_event.raw_event
    reply = request.reply(id, raw, idempotency_key)
    view = services().mark_refund_paid(request.to_command(id), correlation.from_http(raw), reply)
    metrics.add_metric(name="RefundPaid", unit=MetricUnit.Count, value=1)
    return views.RefundView.model_validate(view)


@app.get(
    "/payments",
    tags=["held payments"],
    summary="List held payments",
    middlewares=FINANCE,
    responses=error_responses(422),
)
def list_held_payments(
    status: Annotated[PaymentStatus | None, Query(description="Only held payments in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> views.HeldPaymentList:
    """Payments held for finance (unmatched, then applied or refunded), newest first. Changes nothing."""
    query = ListHeldPayments(status=status, limit=limit, cursor=next_token)
    return views.HeldPaymentList.of(services().list_held_payments(query))


@app.post(
    "/payments/<id>/apply",
    tags=["held payments"],
    summary="Apply a held payment to an invoice",
    middlewares=FINANCE,
    responses=error_responses(400, 404, 409, 413, 415, 422),
)
def apply_held_payment(id: PAYMENT_ID, request: views.ApplyPaymentRequest) -> views.HeldPaymentView:  # noqa: A002
    """Applies an unmatched payment to the invoice (UnmatchedPaymentApplied); what it brings beyond the amount
    due is owed back (RefundDue). Again for the same invoice: answered as it is; resolved otherwise: 409."""
    raw = app.current_event.raw_event
    return views.HeldPaymentView.of(services().apply_held_payment(request.to_command(id), correlation.from_http(raw)))


@app.post(
    "/payments/<id>/refund",
    status_code=201,
    tags=["held payments"],
    summary="Refund a held payment",
    middlewares=FINANCE,
    responses={
        **success(201, "The refund due (again: the same refund)", headers=LOCATION),
        **error_responses(404, 409, 422),
    },
)
def refund_held_payment(id: PAYMENT_ID) -> Response[views.RefundView]:  # noqa: A002 - the template's {id}
    """Turns an unmatched payment into a refund due (reason and source unmatched_payment; RefundDue). Again: the
    same refund; applied to an invoice meanwhile: 409."""
    refund = services().refund_held_payment(id, correlation.from_http(app.current_event.raw_event))
    view = views.RefundView.of(refund).model_dump(mode="json")
    return Response(201, content_types.APPLICATION_JSON, view, headers={"Location": f"/refunds/{refund.id}"})


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
