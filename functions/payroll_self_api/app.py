"""An employee's own payslips (group ``employee``): matched by the token's sub, never by an email."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from tandem.payroll import api_models as models
from tandem.payroll.bootstrap import services
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"me": "What an employee sees of themself"}
app = make_resolver(logger=logger, title="Tandem Employee Self-Service API", tags=TAGS)
SLIP = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="The slip's run_id")]


@app.get("/me/payslips", tags=["me"], summary="List my payslips", middlewares=[require_groups("employee")],
         responses=error_responses(404, 422))  # fmt: skip
def list_my_payslips(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> models.MyPayslipList:
    """The caller's own payslips, newest period first (404 when no employee is linked to this login). Nobody
    else's slips are reachable here. Changes nothing."""
    sub = identity_of(app.current_event.raw_event).sub
    return models.MyPayslipList.of(services().my_payslips(sub, limit, next_token))


@app.get(
    "/me/payslips/<id>/pdf",
    tags=["me"],
    summary="Get my payslip as PDF",
    middlewares=[require_groups("employee")],
    responses={
        **success(200, "The payslip as a PDF document", media_type="application/pdf"),
        **error_responses(404, 422),
    },
)
def get_my_payslip_pdf(id: SLIP):  # noqa: A002, ANN201 - the template's {id}; PDF bytes (see get_invoice_pdf)
    """The caller's own payslip of the run `id` (the `run_id` of an item of `GET /me/payslips`) as issued after
    posting; send `Accept: application/pdf`. Another employee's slip, or one not issued yet: 404. Changes
    nothing."""
    pdf = services().my_payslip_pdf(identity_of(app.current_event.raw_event).sub, id)
    disposition = {"Content-Disposition": f'inline; filename="payslip-{id}.pdf"'}
    return Response(status_code=200, content_type="application/pdf", body=pdf, headers=disposition)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
