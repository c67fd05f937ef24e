"""Support API: the list of tickets (the desk's, a customer's own), a customer's new ticket, replies (an agent's
by email, a customer's on their own ticket), rejected inbound mail. One ticket (read, changed, noted, merged)
is ``support_ticket_api``; the support form and attachment downloads are ``support_customer_api``."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import LOCATION, IdempotencyKey, NextToken, PageLimit, error_responses, make_resolver, success
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT
from tandem.support.api_models import AGENT_SUB, TAG, NewTicket, RejectedMailList, ReplyRequest, TicketList, TicketView
from tandem.support.bootstrap import services
from tandem.support.domain.commands import ReplyToTicket, TicketQuery
from tandem.support.domain.rules import Priority, TicketStatus

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"tickets": "The support desk: tickets from email, their threads and the agents' replies"}
app = make_resolver(logger=logger, title="Tandem Support API", tags=TAGS)
AGENTS = [require_groups("support")]
READERS = [require_groups("support", "customer")]  # a customer: only the tickets they opened signed in
TICKET = Annotated[UUID, Path(description="The ticket's id")]
StatusFilter = Literal["new", "open", "pending", "on_hold", "solved", "closed"]


@app.get("/tickets", tags=["tickets"], summary="List tickets", middlewares=READERS, responses=error_responses(422))
def list_tickets(
    status: Annotated[StatusFilter | None, Query(description="Only tickets in this status")] = None,
    priority: Annotated[Priority | None, Query(description="Only tickets of this priority")] = None,
    assignee: Annotated[str | None, Query(pattern=AGENT_SUB, description="Only tickets assigned to this sub")] = None,
    tag: Annotated[str | None, Query(pattern=TAG, description="Only tickets with this tag")] = None,
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> TicketList:
    """Tickets, newest first, one page at a time; every filter given must match (filters may give short pages,
    follow `next_token`). A customer: only the tickets they opened signed in, by status only. Changes nothing."""
    query = TicketQuery(status and TicketStatus(status), priority, assignee, tag)
    caller = identity_of(app.current_event.raw_event)
    return TicketList.of(services().tickets_for(caller, query, limit, next_token))


@app.post(
    "/tickets",
    status_code=201,
    tags=["tickets"],
    summary="Open a ticket",
    middlewares=[require_groups("customer")],
    responses={
        **success(201, "The new ticket (or, for a repeated Idempotency-Key, as first opened)", headers=LOCATION),
        **error_responses(422),
    },
)
def open_ticket(request: NewTicket, idempotency_key: IdempotencyKey = None) -> Response[TicketView]:
    """Opens a ticket owned by the caller (channel `app`; TicketOpened is published) and sends the
    acknowledgement; answers go to the token's verified email (403 `email_not_verified` without one). The
    customer reads and answers it at `/tickets/{ticket_id}`. Send an `Idempotency-Key` to retry safely."""
    event = app.current_event.raw_event
    caller = identity_of(event)
    command, reply = request.to_command(caller), request.reply(caller, idempotency_key)
    view = services().open_own_ticket(command, correlation.from_http(event), reply)
    metrics.add_metric(name="TicketOpened", unit=MetricUnit.Count, value=1)
    return Response(201, content_types.APPLICATION_JSON, view, headers={"Location": f"/tickets/{view['id']}"})


@app.post(
    "/tickets/<ticket_id>/replies",
    tags=["tickets"],
    summary="Reply to a ticket",
    middlewares=READERS,
    responses=error_responses(404, 409, 422),
)
def reply_to_ticket(ticket_id: TICKET, reply: ReplyRequest) -> TicketView:
    """Emails the answer to the requester from the support address, with our Message-ID, In-Reply-To the
    customer's latest message and References the thread, stores it (TicketReplied is published) and moves
    the ticket to `then` (a new ticket: open). 409 on a closed or merged ticket. A customer answers their
    own ticket (404 otherwise): appended as their message, reopening a pending or solved ticket, never
    emailed; `then` and `canned` are the desk's (422)."""
    event = app.current_event.raw_event
    caller, context = identity_of(event), correlation.from_http(event)
    then = TicketStatus(reply.then) if reply.then else None
    command = ReplyToTicket(ticket_id=ticket_id, body_text=reply.body_text or "", then=then, canned=reply.canned)
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
