"""HR API, candidates: the applications from the web form, newest first, one by one, their CV, and a hire."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.hr.api_models import CandidateList, CandidateView, CvDownloadView, EmployeeView, HireCandidateRequest
from tandem.hr.bootstrap import recruitment, services
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import LOCATION, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"candidates": "Applications from the job-application form, for HR"}
app = make_resolver(logger=logger, title="Tandem HR candidates API", tags=TAGS)
CANDIDATE_ID = Annotated[UUID, Path(description="The candidate's id")]
HR = [require_groups("hr")]


@app.get("/candidates", tags=["candidates"], summary="List candidates", middlewares=HR)
def list_candidates(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> CandidateList:
    """Candidates, newest application first, one page at a time, whatever their status. Changes nothing."""
    return CandidateList.of(recruitment().list_candidates(limit, next_token))


@app.get(
    "/candidates/<id>",
    tags=["candidates"],
    summary="Get a candidate",
    middlewares=HR,
    responses=error_responses(404, 422),
)
def get_candidate(id: CANDIDATE_ID) -> CandidateView:  # noqa: A002 - the template's {id}
    """The application, its status (`awaiting_cv`, `cv_rejected` with the reason, `applied`, `hired`) and its CV."""
    return CandidateView.of(recruitment().candidate(id))


@app.get(
    "/candidates/<id>/cv",
    tags=["candidates"],
    summary="Get a link to a candidate's CV",
    middlewares=HR,
    responses=error_responses(404, 422),
)
def get_candidate_cv(id: CANDIDATE_ID) -> CvDownloadView:  # noqa: A002
    """A presigned link (5 minutes) that downloads the accepted CV as an attachment: a 5 MB file does not fit a
    Lambda answer once base64-encoded. No CV (never uploaded, or refused and deleted): 404 `cv_not_found`."""
    return CvDownloadView.of(recruitment().cv_download(id))


@app.post(
    "/candidates/<id>/hire",
    status_code=201,
    tags=["candidates"],
    summary="Hire a candidate",
    middlewares=HR,
    responses={
        **success(201, "The employee is hired", headers=LOCATION),
        **error_responses(400, 404, 409, 413, 415, 422),
    },
)
def hire_candidate(id: CANDIDATE_ID, request: HireCandidateRequest) -> Response[EmployeeView]:  # noqa: A002
    """Creates the employee from the candidate's name and email and these terms (EmployeeHired names the
    candidate) and marks the candidate `hired`, in one transaction. A second hire: 409 `candidate_already_decided`;
    a candidate whose CV never arrived or was refused: 409 `candidate_has_no_cv`; an invalid IBAN: 422."""
    context = correlation.from_http(app.current_event.raw_event)
    employee = recruitment().hire(request.to_command(id), context)
    metrics.add_metric(name="CandidateHired", unit=MetricUnit.Count, value=1)
    details = services().employee_details(employee.id, identity_of(app.current_event.raw_event))
    headers = {"Location": f"/employees/{employee.id}"}
    return Response(201, content_types.APPLICATION_JSON, EmployeeView.of(details), headers=headers)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
