"""Billing API for the finance team (invoices, their PDFs and credit notes) and for customers (their own
invoices and PDFs)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.billing.api_models import CreditNoteRequest, CreditNoteView, InvoiceList, InvoiceView, reader_of
from tandem.billing.bootstrap import services
from tandem.billing.domain.commands import ListInvoices
from tandem.billing.domain.model import InvoiceStatus
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import LOCATION, IdempotencyKey, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"invoices": "Invoices issued for orders, with their PDFs", "credit notes": "Corrections of issued invoices"}
app = make_resolver(logger=logger, title="Tandem Billing API", tags=TAGS)
FINANCE = [require_groups("finance")]
READERS = [require_groups("finance", "customer")]  # a customer: only the invoices of orders they placed
ID = Annotated[str, Path(max_length=64, description="The invoice's id")]
# Credit notes have no URL of their own: a created one is found on its invoice (GET /invoices/{id}).
INVOICE = {"Location": {**LOCATION["Location"], "description": "Path of the credited invoice, which lists its notes"}}


@app.get(
    "/invoices",
    tags=["invoices"],
    summary="List invoices",
    middlewares=READERS,
    responses=error_responses(422),
)
def list_invoices(
    order_id: Annotated[str | None, Query(max_length=64, description="Only this order's invoice")] = None,
    status: Annotated[InvoiceStatus | None, Query(description="Only invoices in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> InvoiceList:
    """Invoices, newest first, a page at a time; with order_id, that order's invoice (or none). A customer gets
    only the invoices of orders they placed themselves (owned by their token's sub). Changes nothing."""
    reader = reader_of(app.current_event.raw_event)
    query = ListInvoices(reader, order_id=order_id, status=status, limit=limit, cursor=next_token)
    return InvoiceList.of(services().list_invoices(query))


@app.get(
    "/invoices/<id>",
    tags=["invoices"],
    summary="Get an invoice",
    middlewares=READERS,
    responses=error_responses(404, 422),
)
def get_invoice(id: ID) -> InvoiceView:  # noqa: A002 - the template's {id}
    """One invoice with its lines, tax breakdown, totals, what is paid and due, and its credit notes. A customer
    gets only an invoice of an order they placed (404 otherwise). Changes nothing."""
    return InvoiceView.of(services().get_invoice(id, reader_of(app.current_event.raw_event)))


@app.get(
    "/invoices/<id>/pdf",
    tags=["invoices"],
    summary="Get an invoice as PDF",
    middlewares=READERS,
    responses={
        **success(200, "The invoice as a PDF document", media_type="application/pdf"),
        **error_responses(404, 422),
    },
)
def get_invoice_pdf(id: ID):  # noqa: A002, ANN201
    """The invoice as application/pdf bytes. Send `Accept: application/pdf`: API Gateway returns binary
    bodies only to clients that accept the binary media type (otherwise base64 text). The PDF is
    rendered and stored on the first request; nothing else changes. A customer: only their own (404 otherwise)."""
    # No return annotation: Powertools would validate the PDF bytes as JSON; unannotated, a non-JSON
    # Response passes through and the resolver base64-encodes the bytes (isBase64Encoded).
    invoice, pdf = services().invoice_pdf(id, reader_of(app.current_event.raw_event))
    disposition = {"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'}
    return Response(status_code=200, content_type="application/pdf", body=pdf, headers=disposition)


@app.post(
    "/invoices/<id>/credit-notes",
    status_code=201,
    tags=["credit notes"],
    summary="Credit an invoice",
    middlewares=FINANCE,
    responses={
        **success(
            201, "The credit note as issued (or, for a repeated Idempotency-Key, as first issued)", headers=INVOICE
        ),
        **error_responses(400, 404, 409, 413, 415, 422),
    },
)
def create_credit_note(
    id: ID,  # noqa: A002 - the template's {id}
    request: CreditNoteRequest,
    idempotency_key: IdempotencyKey = None,
) -> Response[CreditNoteView]:
    """Issues a credit note with the next gapless CN number for the given lines, or for all that remains: the
    invoice's amount due goes down (credited once every line is) and CreditNoteIssued is published. Credit
    notes have no URL of their own: Location is the invoice's. Crediting more than remains is a 409."""
    raw, command = app.current_event.raw_event, request.to_command(id)  # the body first, then the key
    view = services().credit_invoice(command, correlation.from_http(raw), request.reply(id, raw, idempotency_key))
    metrics.add_metric(name="CreditNoteIssued", unit=MetricUnit.Count, value=1)
    location = {"Location": f"/invoices/{view['invoice_id']}"}
    return Response(201, content_types.APPLICATION_JSON, view, headers=location)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
