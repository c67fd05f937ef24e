"""The agent's desk, changing tickets: status, priority, assignee and tags (``PATCH``), internal notes, merges.

Each use case reads the ticket(s), lets the aggregate decide, and writes under the ticket's version with its
events in one transaction (a lost race is re-read and re-decided). Only agents call these: the routes require
the ``support`` group, and a ticket a caller may not see is 404 here as everywhere.
"""

from __future__ import annotations

from tandem.shared.auth import Identity
from tandem.shared.correlation import MessageContext
from tandem.support.domain.commands import AddNote, MergeTicket, UpdateTicket
from tandem.support.domain.errors import MergeRefused
from tandem.support.domain.messages import Direction, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.ports import UnitOfWork
from tandem.support.service.base import ServiceBase
from tandem.support.service.desk import _visible


class Triage(ServiceBase):
    def update_ticket(self, command: UpdateTicket, caller: Identity, context: MessageContext) -> Ticket:
        """Apply what the command gives: priority, assignee ("" unassigns), tags (the whole set), then the
        status (last, so a ticket closed in the same request still takes the rest). Nothing given changes:
        no write, no event (TicketStatusChanged, TicketAssigned)."""

        def attempt() -> Ticket:
            with self.uow() as uow:
                ticket = _visible(uow.tickets.get(command.ticket_id), caller)
                now = self.clock.now()
                changed = [
                    command.priority is not None and ticket.change_priority(command.priority),
                    command.assignee is not None and ticket.assign(command.assignee or None, now),
                    command.tags is not None and ticket.retag(command.tags),
                    command.status is not None and ticket.change_status(command.status, now),
                ]
                if any(changed):
                    self._write(uow, [ticket], context)
            return ticket

        return self._retrying(attempt)

    def add_note(self, command: AddNote, caller: Identity, context: MessageContext) -> Ticket:
        """An internal note by the calling agent: stored on the thread, never emailed, never shown to the
        customer, no event."""
        note_id = self.clock.new_id()

        def attempt() -> Ticket:
            with self.uow() as uow:
                ticket = _visible(uow.tickets.get(command.ticket_id), caller)
                note = TicketMessage(
                    id=note_id,
                    direction=Direction.NOTE,
                    sender=caller.email or caller.sub,
                    body_text=command.body_text,
                    at=self.clock.now(),
                    author=caller.sub,
                )
                if ticket.add_note(note):
                    self._write(uow, [ticket], context)
            return ticket

        return self._retrying(attempt)

    def merge(self, command: MergeTicket, caller: Identity, context: MessageContext) -> Ticket:
        """Close ``ticket_id`` into ``into`` (TicketMerged): its requester and CCs become CCs of the survivor,
        which gets a note saying so; mail to the merged ticket threads to the survivor from now on. Both
        tickets are written in one transaction, each under its version."""
        note_id = self.clock.new_id()

        def attempt() -> Ticket:
            with self.uow() as uow:
                source = _visible(uow.tickets.get(command.ticket_id), caller)
                if command.into == command.ticket_id:
                    raise MergeRefused(details={"ticket_id": str(source.id), "into": str(command.into)})
                target = _visible(uow.tickets.get(command.into), caller)
                now = self.clock.now()
                if source.merge_into(target, now):
                    target.add_note(
                        TicketMessage(
                            id=note_id,
                            direction=Direction.NOTE,
                            sender=caller.email or caller.sub,
                            body_text=f"Ticket {source.reference} ({source.subject}) was merged into this one.",
                            at=now,
                            author=caller.sub,
                        )
                    )
                    self._write(uow, [source, target], context)
            return source

        return self._retrying(attempt)

    def _write(self, uow: UnitOfWork, tickets: list[Ticket], context: MessageContext) -> None:
        for ticket in tickets:
            uow.tickets.save(ticket)
            self._record(uow, ticket.events, context)
        uow.commit()
        for ticket in tickets:
            ticket.version += 1
            ticket.events.clear()
