"""HR, the public job-application form: no token, throttled (stage and WAF), a honeypot. The CV does not pass
through here: the answer is a presigned S3 POST for one key, and HrOnCvUploadedFunction checks what arrives."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.hr.api_models import JobApplicationAccepted, JobApplicationForm
from tandem.hr.bootstrap import recruitment
from tandem.hr.domain.recruitment import CV_RULES
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"forms": "The public forms: anyone may send them, no token needed"}
app = make_resolver(logger=logger, title="Tandem HR job-application form", tags=TAGS)


@app.post(
    "/forms/job-application",
    status_code=202,
    tags=["forms"],
    summary="Submit a job application",
    responses=error_responses(400, 413, 415, 422),
)
def submit_job_application(form: JobApplicationForm) -> JobApplicationAccepted:
    """Stores the application (status `awaiting_cv`) and answers where to upload the CV: a presigned S3 POST for
    one key, the declared type and at most 5 MB, valid 15 minutes. A CV of another type, with a name that does
    not match its type or larger than 5 MB is 422 naming the field, and nothing is stored. Once the upload is
    checked (its first bytes must match its type) CandidateApplied is published and the candidate is emailed."""
    submitted = recruitment().submit_application(form.to_command(), correlation.from_http(app.current_event.raw_event))
    metrics.add_metric(name="JobApplicationSubmitted", unit=MetricUnit.Count, value=1)
    return JobApplicationAccepted.of(submitted, CV_RULES.max_bytes)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
