"""Support API, the satisfaction survey's landing: the requester rates a solved ticket from the signed link in
the survey email. Public (the link's token is the credential) and throttled; kept apart so that this public
function can read tickets and write ratings, and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver, success
from tandem.support.api_models import CsatRecordedView, CsatRequest
from tandem.support.bootstrap import services

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"satisfaction": "The satisfaction survey: the link in the email is the only credential, no token needed"}
app = make_resolver(logger=logger, title="Tandem Support satisfaction API", tags=TAGS)
SURVEY_TOKEN = Annotated[
    str, Path(pattern=r"^[A-Za-z2-7]{26}-[A-Za-z2-7]{16}$", description="The token of the survey link")
]


@app.post(
    "/csat/<token>",
    status_code=201,
    tags=["satisfaction"],
    summary="Rate a solved ticket",
    responses={**success(201, "The rating is stored"), **error_responses(400, 404, 409, 413, 415, 422)},
)
def rate_ticket(token: SURVEY_TOKEN, request: CsatRequest) -> Response[CsatRecordedView]:
    """Stores the requester's rating (1 to 5) and optional comment of the ticket the survey link names
    (CsatRecorded is published); agents see it on the ticket. Once per ticket: a second rating is 409
    `csat_already_recorded`, a ticket never solved 409 `ticket_not_solved`, a forged or unknown link 404."""
    event = app.current_event.raw_event
    reference, rating = services().record_csat(request.to_command(token), correlation.from_http(event))
    metrics.add_metric(name="CsatRecorded", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="CsatRating", unit=MetricUnit.Count, value=rating.rating)
    view = CsatRecordedView(ticket_number=reference, rating=rating.rating)
    return Response(201, content_types.APPLICATION_JSON, view)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
