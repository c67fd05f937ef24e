"""Support assistant API: a question answered from the published knowledge base, or handed to the desk as
a ticket carrying the conversation."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.http import error_responses, make_resolver
from tandem.support.api_models import AssistantAnswerView, AssistantQuestion
from tandem.support.bootstrap import services

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"assistant": "The knowledge-base assistant: answers from published articles, hands over to the desk"}
app = make_resolver(logger=logger, title="Tandem Support Assistant API", tags=TAGS)


@app.post("/assistant/ask", tags=["assistant"], summary="Ask the assistant", responses=error_responses(422))
def ask_assistant(question: AssistantQuestion) -> AssistantAnswerView:
    """Answers with the passages of published articles that fit (no generated text). When none fits, or a
    person is asked for (`human: true`, or the question says so), hands over: with `email` it opens a ticket
    (channel `assistant`, TicketOpened published, the acknowledgement mailed) whose first message is the whole
    conversation; without one it opens nothing and says `needs_email`. A conversation already handed over
    answers with its ticket again. Public, no token."""
    answer = services().ask(question.to_command(), correlation.from_http(app.current_event.raw_event))
    if answer.ticket_id is not None:
        metrics.add_metric(name="AssistantHandoff", unit=MetricUnit.Count, value=1)
    return AssistantAnswerView.of(answer)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
