"""A file arrived under cv/ in HrDocumentsBucket (S3 notification, asynchronous, at least once): its first
bytes and size are checked against what the candidate's form declared. Passed: the candidate applied
(CandidateApplied) and is emailed once; refused: the file is deleted and the candidate is `cv_rejected`."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event
from tandem.hr.bootstrap import recruitment
from tandem.shared import correlation
from tandem.shared.correlation import MessageContext

logger, tracer, metrics = Logger(), Tracer(), Metrics()


# A store fault raises: Lambda retries twice, then ConsumerDLQ. Repeats change nothing (the candidate's status).
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    outcomes = []
    for record in S3Event(event).records:
        obj = record.s3.get_object
        key = unquote_plus(obj.key)  # S3 sends the key URL-encoded (Powertools' S3Event leaves it so)
        request_id = str(record.get("responseElements", {}).get("x-amz-request-id") or context.aws_request_id)
        message = correlation.bind(logger, MessageContext(correlation_id=request_id, causation_id=request_id))
        outcome = recruitment().receive_cv(key, obj.get("versionId"), message)
        metrics.add_metric(name=f"Cv{outcome.value.title()}", unit=MetricUnit.Count, value=1)
        logger.info("CV upload checked", extra={"key": key, "outcome": outcome.value})
        outcomes.append(outcome.value)
    return {"outcomes": outcomes}
