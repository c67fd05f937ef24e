"""Support API, the customer-facing edge: the public support form, attachment downloads and whole message
bodies (a customer those of their own tickets, agents any). Kept apart from ``support_api`` so that only this
function reads the mail bucket's files."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import error_responses, make_resolver, success
from tandem.support.api_models import MessageBodyView, SupportForm, SupportFormAccepted
from tandem.support.bootstrap import services

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {
    "forms": "The public support form: anyone may send it, no token needed",
    "tickets": "The support desk: tickets from email, the web form and the app, their threads and the replies",
}
app = make_resolver(logger=logger, title="Tandem Support API for customers", tags=TAGS)
READERS = [require_groups("support", "customer")]  # a customer: only the tickets they opened signed in
TICKET = Annotated[UUID, Path(description="The ticket's id")]
MESSAGE = Annotated[UUID, Path(description="The message's id")]
ATTACHMENT = Annotated[str, Path(pattern=r"^a[0-9]{1,3}$", description="The attachment's id (a1, a2…)")]


@app.post(
    "/forms/support",
    status_code=202,
    tags=["forms"],
    summary="Submit the support form",
    responses=error_responses(400, 413, 415, 422),
)
def submit_support_form(form: SupportForm) -> SupportFormAccepted:
    """Opens a ticket (channel `web_form`; TicketOpened is published) and emails the person an
    acknowledgement naming its number (at most a few per address and hour); their answer to that email
    joins the ticket."""
    opened = services().open_ticket(form.to_command(), correlation.from_http(app.current_event.raw_event))
    if opened.ticket is not None:  # None: a bot filled the honeypot; its answer looks the same
        metrics.add_metric(name="TicketOpened", unit=MetricUnit.Count, value=1)
    return SupportFormAccepted(ticket_id=opened.ticket_id)


@app.get(
    "/tickets/<ticket_id>/messages/<message_id>/attachments/<attachment_id>",
    tags=["tickets"],
    summary="Download an attachment",
    middlewares=READERS,
    responses={
        **success(200, "The file, as application/octet-stream", media_type="application/octet-stream"),
        **error_responses(404, 422),
    },
)
def get_attachment(ticket_id: TICKET, message_id: MESSAGE, attachment_id: ATTACHMENT):  # noqa: ANN201
    """One file of a message, always as `application/octet-stream` with its name in Content-Disposition, so no
    browser renders what a sender attached. Send `Accept: application/octet-stream`. Changes nothing."""
    caller = identity_of(app.current_event.raw_event)
    stored, content = services().attachment(ticket_id, message_id, caller, attachment_id)
    name = stored.filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"}
    return Response(status_code=200, content_type="application/octet-stream", body=content, headers=headers)


@app.get(
    "/tickets/<ticket_id>/messages/<message_id>/body",
    tags=["tickets"],
    summary="Read a message in full",
    middlewares=READERS,
    responses=error_responses(404, 422),
)
def get_message_body(ticket_id: TICKET, message_id: MESSAGE) -> MessageBodyView:
    """The whole text of a message (quoted history and signature included, never cut) and its sanitised HTML
    with inline images pointing at their attachment downloads. Changes nothing."""
    body = services().message_body(ticket_id, message_id, identity_of(app.current_event.raw_event))
    return MessageBodyView.of(body)


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
