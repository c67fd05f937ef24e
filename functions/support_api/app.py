"""Support API: the agent's desk (tickets with their thread, replies by email, rejected inbound mail) and a
customer's view of their own tickets."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT
from tandem.support.api_models import RejectedMailList, ReplyRequest, TicketList, TicketView
from tandem.support.bootstrap import services
from tandem.support.domain.commands import ReplyToTicket
from tandem.support.domain.rules import TicketStatus

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"tickets": "The support desk: tickets from email, their threads and the agents' replies"}
app = make_resolver(logger=logger, title="Tandem Support API", tags=TAGS)
AGENTS = [require_groups("support")]
READERS = [require_groups("support", "customer")]  # a customer: only the tickets they opened signed in
TICKET = Annotated[UUID, Path(description="The ticket's id")]
MESSAGE = Annotated[UUID, Path(description="The message's id")]
ATTACHMENT = Annotated[str, Path(pattern=r"^a[0-9]{1,3}$", description="The attachment's id (a1, a2…)")]
StatusFilter = Literal["new", "open", "pending", "on_hold", "solved", "closed"]


@app.get("/tickets", tags=["tickets"], summary="List tickets", middlewares=AGENTS, responses=error_responses(422))
def list_tickets(
    status: Annotated[StatusFilter | None, Query(description="Only tickets in this status")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> TicketList:
    """Tickets, newest first, one page at a time (a status filter may give short pages). Changes nothing."""
    return TicketList.of(services().tickets(status and TicketStatus(status).value, limit, next_token))


@app.get(
    "/tickets/<ticket_id>",
    tags=["tickets"],
    summary="Get a ticket with its thread",
    middlewares=READERS,
    responses=error_responses(404, 422),
)
def get_ticket(ticket_id: TICKET) -> TicketView:
    """The ticket and every message of its thread (inbound, outbound, notes) with its attachments. A customer
    gets only a ticket they opened signed in, without internal notes (404 otherwise). Changes nothing."""
    return TicketView.of_thread(services().ticket(ticket_id, identity_of(app.current_event.raw_event)))


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


@app.post(
    "/tickets/<ticket_id>/replies",
    tags=["tickets"],
    summary="Reply to a ticket",
    middlewares=AGENTS,
    responses=error_responses(404, 409, 422),
)
def reply_to_ticket(ticket_id: TICKET, reply: ReplyRequest) -> TicketView:
    """Emails the answer to the requester from the support address, with our Message-ID, In-Reply-To the
    customer's latest message and References the thread, stores it (TicketReplied is published) and moves
    the ticket to `then` (a new ticket: open). 409 on a closed or merged ticket."""
    event = app.current_event.raw_event
    caller, context = identity_of(event), correlation.from_http(event)
    then = TicketStatus(reply.then) if reply.then else None
    command = ReplyToTicket(ticket_id=ticket_id, body_text=reply.body_text, then=then)
    ticket = services().reply(command, caller, context)
    metrics.add_metric(name="TicketReplied", unit=MetricUnit.Count, value=1)
    return TicketView.of_thread(services().ticket(ticket.id, caller))


@app.get(
    "/support/rejected",
    tags=["tickets"],
    summary="List rejected inbound mail",
    middlewares=AGENTS,
    responses=error_responses(422),
)
def list_rejected_mail(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> RejectedMailList:
    """Messages to the support address that could not become a ticket (no usable sender, too large,
    unparseable), newest first, with the reason; their raw MIME is kept. Changes nothing."""
    return RejectedMailList.of(services().rejected_mail(limit, next_token))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
