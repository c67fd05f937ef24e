"""Billing API for the finance team: invoices, their PDFs and credit notes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.api_models import CreditNoteRequest, CreditNoteView, InvoiceList, InvoiceView
from tandem.billing.bootstrap import services
from tandem.billing.domain.commands import ListInvoices
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import error_responses, make_resolver

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(logger=logger, title="Tandem Billing API", description="Invoices and credit notes")
FINANCE = [require_groups("finance")]
Status = Literal["issued", "partially_paid", "paid", "credited"]


@app.get(
    "/invoices",
    tags=["invoices"],
    summary="List invoices, newest first",
    middlewares=FINANCE,
    responses=error_responses(401, 403, 422, 503),
)
def list_invoices(
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    next_token: Annotated[str | None, Query(max_length=1024)] = None,
) -> InvoiceList:
    query = ListInvoices(order_id=order_id, status=status, limit=limit, cursor=next_token)
    return InvoiceList.of(services().list_invoices(query))


@app.get(
    "/invoices/<id>",
    tags=["invoices"],
    summary="Get one invoice",
    middlewares=FINANCE,
    responses=error_responses(401, 403, 404, 422, 503),
)
def get_invoice(id: Annotated[str, Path(max_length=64)]) -> InvoiceView:  # noqa: A002 - the template's {id}
    return InvoiceView.of(services().get_invoice(id))


PDF_DESCRIPTION = (
    "The invoice as application/pdf bytes. Send `Accept: application/pdf`: API Gateway returns "
    "binary bodies only to clients that accept the binary media type (otherwise base64 text). "
    "Rendered and stored on the first request."
)


@app.get(
    "/invoices/<id>/pdf",
    tags=["invoices"],
    summary="The invoice as a PDF",
    description=PDF_DESCRIPTION,
    middlewares=FINANCE,
    responses=error_responses(401, 403, 404, 422, 503),
)
def get_invoice_pdf(id: Annotated[str, Path(max_length=64)]):  # noqa: A002, ANN201
    # No return annotation: Powertools would validate the PDF bytes as JSON; unannotated, a non-JSON
    # Response passes through and the resolver base64-encodes the bytes (isBase64Encoded).
    invoice, pdf = services().invoice_pdf(id)
    return Response(
        status_code=200,
        content_type="application/pdf",
        body=pdf,
        headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
    )


@app.post(
    "/invoices/<id>/credit-notes",
    status_code=201,
    tags=["credit notes"],
    summary="Credit an invoice (header Idempotency-Key optional)",
    middlewares=FINANCE,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def create_credit_note(id: Annotated[str, Path(max_length=64)], request: CreditNoteRequest) -> CreditNoteView:  # noqa: A002
    raw = app.current_event.raw_event
    command = request.to_command(id)
    view = services().credit_invoice(command, correlation.from_http(raw), request.reply(id, raw))
    metrics.add_metric(name="CreditNoteIssued", unit=MetricUnit.Count, value=1)
    return CreditNoteView.model_validate(view)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
