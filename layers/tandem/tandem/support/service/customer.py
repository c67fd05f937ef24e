"""The customer's side: tickets from the public web form (``POST /forms/support``) and the signed-in app
(``POST /tickets``), and a customer's answers on their own ticket (``POST /tickets/{id}/replies``).

A form or app ticket is the same ``Ticket`` as one opened by email (``TicketOpened`` with channel ``web_form``
or ``app``), numbered by the same counter, and acknowledged by the same rules where they apply to a message we
were not mailed: at most ``acknowledgements_per_hour`` per address, never to an undeliverable address. The
acknowledgement carries our Message-ID and plus-addressed Reply-To, so the customer's answer by email threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from uuid import UUID

from tandem.shared import request_keys
from tandem.shared.auth import Identity
from tandem.shared.correlation import MessageContext
from tandem.shared.paging import Page
from tandem.shared.request_keys import Claim, KeyRecord, Reply
from tandem.support.domain import mailbox as box
from tandem.support.domain.commands import OpenTicket, ReplyToTicket, TicketQuery
from tandem.support.domain.errors import CustomerMayNotSetStatus, TicketNotFound
from tandem.support.domain.messages import Direction, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.ports import UnitOfWork
from tandem.support.service.desk import AGENT_GROUPS, Desk

log = logging.getLogger(__name__)
Staging = Callable[[UnitOfWork, Ticket], None]


@dataclass(frozen=True, slots=True)
class Opened:
    """What opening gave: for a bot (filled honeypot) ``ticket`` is None and ``ticket_id`` a random id, so
    the answer looks the same and the bot learns nothing."""

    ticket_id: UUID
    ticket: Ticket | None
    acknowledged: bool = False


def is_agent(caller: Identity) -> bool:
    return bool(caller.groups & AGENT_GROUPS)


class CustomerDesk(Desk):
    """The desk seen from the customer's side: a reply by a customer is theirs to their own ticket."""

    def tickets_for(self, caller: Identity, query: TicketQuery, limit: int, cursor: str | None) -> Page[Ticket]:
        """``GET /tickets``: the desk's list for an agent; for a customer the tickets they opened signed in
        (web form and email tickets have no owner), newest first, filtered by status only (priority, assignee
        and tag are the desk's: 422)."""
        if is_agent(caller):
            return self.tickets(query, limit, cursor)
        desk_only = [name for name in ("priority", "assignee", "tag") if getattr(query, name) is not None]
        if desk_only:
            raise CustomerMayNotSetStatus(details=[{"field": n, "message": "a filter of the desk"} for n in desk_only])
        status = query.status.value if query.status else None
        with self.uow() as uow:
            return uow.tickets.list_owned(caller.sub, status=status, limit=limit, cursor=cursor)

    def reply(self, command: ReplyToTicket, caller: Identity, context: MessageContext) -> Ticket:
        """An agent's reply is emailed (``Desk.reply``); a customer's is appended to their own ticket."""
        if is_agent(caller):
            return super().reply(command, caller, context)
        return self.customer_reply(command, caller, context)

    def open_own_ticket(self, command: OpenTicket, context: MessageContext, reply: Reply[Ticket]) -> dict[str, object]:
        """A signed-in customer's new ticket, answered as ``reply`` renders it: once per Idempotency-Key (a
        retry with the same key and body gets the first answer and opens nothing; another body is 422)."""

        def known(caller: str, key: str) -> KeyRecord | None:
            with self.uow() as uow:
                return uow.request_keys.get(caller, key)

        def create(claim: Claim[Ticket] | None) -> Ticket:
            opened = self.open_ticket(command, context, claim)
            assert opened.ticket is not None  # noqa: S101 - only a honeypot opens nothing, and the app has none
            return opened.ticket

        return request_keys.answer_once(reply, create, now=self.clock.now(), known=known)

    def open_ticket(
        self,
        command: OpenTicket,
        context: MessageContext,
        claim: Claim[Ticket] | None = None,
        also: Staging | None = None,
    ) -> Opened:
        """Store a new ticket with its first message and ``TicketOpened`` in one transaction (with the
        Idempotency-Key's record ``claim``, if any), then send the acknowledgement (a failed send is logged; the
        ticket is stored). A filled honeypot stores nothing. ``also`` stages more in that transaction (the
        assistant's conversation, which then names the ticket)."""
        if command.honeypot.strip():
            return Opened(self.clock.new_id(), None)
        first = TicketMessage(
            id=self.clock.new_id(),
            direction=Direction.INBOUND,
            sender=command.requester.email,
            body_text=command.body_text,
            at=self.clock.now(),
        )
        ticket_id = self.clock.new_id()

        def attempt() -> tuple[Ticket, bool]:
            with self.uow() as uow:
                ticket = self._open(
                    uow,
                    ticket_id,
                    command.subject,
                    first,
                    requester=command.requester,
                    channel=command.channel,
                    priority=command.priority,
                    about=command.about,
                )
                if also is not None:
                    also(uow, ticket)
                email = command.requester.email
                hour = box.hour_of(first.at)
                sent = uow.inbound.acknowledgements_sent(email, hour)
                ack = sent < self.mail.acknowledgements_per_hour and not uow.inbound.undeliverable(email)
                if ack:
                    uow.inbound.count_acknowledgement(email, hour, seen=sent)
                self._record(uow, ticket.events, context)
                if claim is not None:  # the answer a retry replays: the ticket as stored (version 1)
                    uow.request_keys.claim(claim(replace(ticket, version=1, events=[])), now=first.at)
                uow.commit()
            ticket.version = 1
            ticket.events.clear()
            return ticket, ack

        ticket, ack = self._retrying(attempt)
        return Opened(ticket.id, ticket, self._acknowledge_opened(ticket) if ack else False)

    def _acknowledge_opened(self, ticket: Ticket) -> bool:
        mail = box.outbound(
            ticket.id,
            ticket.number,
            ticket.subject,
            ticket.requester.email,
            box.acknowledgement_text(ticket.number, ticket.requester.name),
            support_address=self.mail.support_address,
            secret=self._secret(),
            unique=self.clock.new_id().hex,
        )
        try:
            self.mailer.send(replace(mail, auto_submitted="auto-replied"))
        except Exception as exc:  # noqa: BLE001 - the ticket is stored; the answer is a courtesy
            log.warning("acknowledgement not sent", extra={"ticket": ticket.reference, "error": type(exc).__name__})
            return False
        return True

    def customer_reply(self, command: ReplyToTicket, caller: Identity, context: MessageContext) -> Ticket:
        """The requester answers on their own ticket (signed in): appended as an inbound message, which reopens
        a pending or solved ticket by the model's rules; nothing is emailed (not to themselves). Another
        customer's ticket, or one opened by email, is 404; a closed or merged one 409."""
        if command.then is not None or command.canned:
            raise CustomerMayNotSetStatus(details=[{"field": "then", "message": "only the support desk sets these"}])
        message_id = self.clock.new_id()

        def attempt() -> Ticket:
            with self.uow() as uow:
                ticket = uow.tickets.get(command.ticket_id)
                if ticket is None or ticket.requester.customer_sub != caller.sub:
                    raise TicketNotFound()
                message = TicketMessage(
                    id=message_id,
                    direction=Direction.INBOUND,
                    sender=ticket.requester.email,
                    body_text=command.body_text,
                    at=self.clock.now(),
                )
                if not ticket.receive(message):
                    return ticket
                uow.tickets.save(ticket)
                self._record(uow, ticket.events, context)
                uow.commit()
            ticket.version += 1
            ticket.events.clear()
            return ticket

        return self._retrying(attempt)


__all__ = ["CustomerDesk", "Opened", "is_agent"]
