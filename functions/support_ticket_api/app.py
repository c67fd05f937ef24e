"""Support ticket API: one ticket — read with its thread (agents, and a customer their own), and what agents
change on it: status, priority, assignee and tags, internal notes, merges. The list of tickets, replies by
email and attachments are in ``support_api``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.shared import correlation
from tandem.shared.auth import identity_of, require_groups
from tandem.shared.http import error_responses, make_resolver
from tandem.support.api_models import MergeRequest, NoteRequest, TicketPatch, TicketView
from tandem.support.bootstrap import services
from tandem.support.domain.commands import AddNote, MergeTicket

logger, tracer, metrics = Logger(), Tracer(), Metrics()
TAGS = {"tickets": "The support desk: tickets from email, their threads and the agents' replies"}
app = make_resolver(logger=logger, title="Tandem Support Ticket API", tags=TAGS)
AGENTS = [require_groups("support")]
READERS = [require_groups("support", "customer")]  # a customer: only the tickets they opened signed in
TICKET = Annotated[UUID, Path(description="The ticket's id")]


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


@app.patch(
    "/tickets/<ticket_id>",
    tags=["tickets"],
    summary="Update a ticket",
    middlewares=AGENTS,
    responses=error_responses(404, 409, 422),
)
def update_ticket(ticket_id: TICKET, patch: TicketPatch) -> TicketView:
    """Changes only the fields given: `status` (along the ticket's transitions, TicketStatusChanged; 409
    otherwise), `priority`, `assignee` (an agent's sub, null unassigns; TicketAssigned) and `tags` (the whole
    set). A field that already has that value changes nothing. 409 on a merged ticket."""
    event = app.current_event.raw_event
    caller, context = identity_of(event), correlation.from_http(event)
    ticket = services().update_ticket(patch.to_command(ticket_id), caller, context)
    return TicketView.of_thread(services().ticket(ticket.id, caller))


@app.post(
    "/tickets/<ticket_id>/notes",
    tags=["tickets"],
    summary="Add an internal note",
    middlewares=AGENTS,
    responses=error_responses(404, 409, 422),
)
def add_ticket_note(ticket_id: TICKET, note: NoteRequest) -> TicketView:
    """Adds a note to the thread (`direction: note`): agents see it, it is never emailed and never shown to
    the customer, and no event is published. A closed ticket takes notes; a merged one does not (409)."""
    event = app.current_event.raw_event
    caller, context = identity_of(event), correlation.from_http(event)
    ticket = services().add_note(AddNote(ticket_id=ticket_id, body_text=note.body_text), caller, context)
    return TicketView.of_thread(services().ticket(ticket.id, caller))


@app.post(
    "/tickets/<ticket_id>/merge",
    tags=["tickets"],
    summary="Merge a ticket into another",
    middlewares=AGENTS,
    responses=error_responses(404, 409, 422),
)
def merge_ticket(ticket_id: TICKET, merge: MergeRequest) -> TicketView:
    """Closes this ticket into `into` (TicketMerged): its requester and CCs become CCs there, the survivor
    gets a note, and mail to this ticket threads to the survivor from now on. Answers this ticket, now
    `closed` with `merged_into`. 409 into itself, into a closed or merged ticket, or when already merged."""
    event = app.current_event.raw_event
    caller, context = identity_of(event), correlation.from_http(event)
    ticket = services().merge(MergeTicket(ticket_id=ticket_id, into=merge.into), caller, context)
    metrics.add_metric(name="TicketMerged", unit=MetricUnit.Count, value=1)
    return TicketView.of_thread(services().ticket(ticket.id, caller))


@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)
