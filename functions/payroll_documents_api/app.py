"""Payroll's documents (group ``payroll``): a run's SEPA bank file and its payslip PDFs, as the outputs step
stored them after posting. A function of its own: the only payroll API function that reads the documents bucket."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from tandem.payroll.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import error_responses, make_resolver, success

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"payroll": "Salary structures and payroll runs: compute, approve (four eyes), post, pay"}
app = make_resolver(logger=logger, title="Tandem Payroll Documents API", tags=TAGS)
PAYROLL = [require_groups("payroll")]
RUN = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="The run's id")]
EMPLOYEE = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="The employee's id")
]


@app.get(
    "/payroll/runs/<run_id>/bank-file",
    tags=["payroll"],
    summary="Get a payroll run's bank file",
    middlewares=PAYROLL,
    responses={
        **success(200, "The SEPA credit transfer file (pain.001.001.03)", media_type="application/xml"),
        **error_responses(404, 409, 422),
    },
)
def get_payroll_run_bank_file(run_id: RUN):  # noqa: ANN201 - an XML body, not JSON (see get_invoice_pdf)
    """The run's SEPA credit transfer initiation (ISO 20022 `pain.001.001.03`, validated against its schema):
    one transfer per employee paid, `CtrlSum` = the sum of net pay. Written after the run is posted; 409
    `bank_file_not_ready` before. Changes nothing."""
    document = services().bank_file(run_id)
    disposition = {"Content-Disposition": f'attachment; filename="payroll-{run_id}.xml"'}
    return Response(status_code=200, content_type="application/xml", body=document.decode(), headers=disposition)


@app.get(
    "/payroll/runs/<run_id>/payslips/<employee_id>/pdf",
    tags=["payroll"],
    summary="Get an employee's payslip PDF of a run",
    middlewares=PAYROLL,
    responses={
        **success(200, "The payslip as a PDF document", media_type="application/pdf"),
        **error_responses(404, 422),
    },
)
def get_run_payslip_pdf(run_id: RUN, employee_id: EMPLOYEE):  # noqa: ANN201 - PDF bytes (see get_invoice_pdf)
    """The payslip PDF as issued after posting (send `Accept: application/pdf`); 404 for an unknown run or a
    slip not issued. Changes nothing."""
    pdf = services().payslip_pdf(run_id, employee_id)
    disposition = {"Content-Disposition": f'inline; filename="payslip-{employee_id}.pdf"'}
    return Response(status_code=200, content_type="application/pdf", body=pdf, headers=disposition)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
