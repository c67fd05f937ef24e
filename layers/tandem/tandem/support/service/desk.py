"""The agent's desk: a ticket with its thread, the list of tickets, rejected mail, replies by email.

Who may see a ticket: the ``support`` group (and admin) every ticket; a customer only the tickets whose
requester ``sub`` is theirs (opened signed in). A ticket opened by email has no ``sub``: its requester is an
address, and an address in a token is only a contact detail, so such tickets are the desk's until linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tandem.shared.auth import Identity
from tandem.shared.correlation import MessageContext
from tandem.shared.paging import Page
from tandem.support.domain import mailbox as box
from tandem.support.domain.canned import STANDARD_REPLIES, render_canned, standard_values
from tandem.support.domain.commands import ReplyToTicket, TicketQuery
from tandem.support.domain.csat import CsatRating
from tandem.support.domain.errors import AddressUndeliverable, InvalidCannedReply, TicketNotFound
from tandem.support.domain.mailbox import InboundRecord, OutboundMail, StoredFile
from tandem.support.domain.messages import Direction, TicketMessage, reply_threading
from tandem.support.domain.model import Ticket
from tandem.support.domain.sla import SlaState
from tandem.support.service.kb import KnowledgeBase

AGENT_GROUPS = frozenset({"support", "admin"})
COMPANY, AGENT_SIGNATURE = "Tandem", "Your support team"  # what canned replies sign with


@dataclass(frozen=True, slots=True)
class TicketThread:
    ticket: Ticket
    files: dict[UUID, tuple[StoredFile, ...]]
    sla: SlaState | None = None  # where it stands against its targets (agents only)
    csat: CsatRating | None = None  # the requester's rating (agents only)


@dataclass(frozen=True, slots=True)
class MessageBody:
    """A message's whole text (quotes and signature included) and its sanitised HTML (``cid:`` as sent)."""

    ticket_id: UUID
    message: TicketMessage
    text: str
    html: str | None
    files: tuple[StoredFile, ...]


def _is_agent(caller: Identity) -> bool:
    return bool(caller.groups & AGENT_GROUPS)


def _visible(ticket: Ticket | None, caller: Identity) -> Ticket:
    if ticket is None or not (_is_agent(caller) or ticket.requester.customer_sub == caller.sub):
        raise TicketNotFound()  # another customer's ticket does not exist for this caller
    return ticket


class Desk(KnowledgeBase):
    def ticket(self, ticket_id: UUID, caller: Identity) -> TicketThread:
        """The ticket with its whole thread (a customer: their own, without internal notes)."""
        with self.uow() as uow:
            ticket = _visible(uow.tickets.get(ticket_id), caller)
            files = uow.tickets.files(ticket_id)
            rating = uow.tickets.csat(ticket_id) if _is_agent(caller) else None
        if not _is_agent(caller):
            ticket.messages = [m for m in ticket.messages if m.direction is not Direction.NOTE]
            return TicketThread(ticket, files)
        sla = self.sla.state(ticket.sla_facts(), ticket.priority, self.clock.now())
        return TicketThread(ticket, files, sla, rating)

    def tickets(self, query: TicketQuery, limit: int, cursor: str | None) -> Page[Ticket]:
        """Every ticket, newest first, filtered by what ``query`` gives (the desk's list)."""
        with self.uow() as uow:
            return uow.tickets.list_newest(
                limit=limit,
                cursor=cursor,
                status=query.status and query.status.value,
                priority=query.priority and query.priority.value,
                assignee=query.assignee,
                tag=query.tag,
            )

    def rejected_mail(self, limit: int, cursor: str | None) -> Page[InboundRecord]:
        with self.uow() as uow:
            return uow.inbound.rejected(limit=limit, cursor=cursor)

    def attachment(self, ticket_id: UUID, message_id: UUID, caller: Identity, file_id: str) -> tuple[StoredFile, bytes]:
        thread = self.ticket(ticket_id, caller)
        if not any(m.id == message_id for m in thread.ticket.messages):
            raise TicketNotFound()
        for stored in thread.files.get(message_id, ()):
            if stored.id == file_id:
                return stored, self.store.file(stored.key)
        raise TicketNotFound(details={"attachment": file_id[:20]})

    def message_body(self, ticket_id: UUID, message_id: UUID, caller: Identity) -> MessageBody:
        """What the thread shows of a message in full: the text its item may hold only in part, and the HTML."""
        thread = self.ticket(ticket_id, caller)
        message = next((m for m in thread.ticket.messages if m.id == message_id), None)
        if message is None:
            raise TicketNotFound()
        text = self.store.file(message.body_key).decode("utf-8") if message.body_key else message.body_text
        html = self.store.file(message.html_key).decode("utf-8") if message.html_key else None
        return MessageBody(ticket_id, message, text, html, thread.files.get(message_id, ()))

    def reply(self, command: ReplyToTicket, caller: Identity, context: MessageContext) -> Ticket:
        """Email the agent's answer to the requester (our Message-ID, In-Reply-To the customer's latest message,
        References the thread) and store it with ``TicketReplied``. The mail goes out before the commit: a
        mail that could not be sent stores nothing (503 or 422), and a lost race re-applies without resending."""
        message_id = self.clock.new_id()
        sent: list[OutboundMail] = []

        def attempt() -> Ticket:
            with self.uow() as uow:
                ticket = _visible(uow.tickets.get(command.ticket_id), caller)
                body = self._canned(command.canned, ticket) if command.canned else command.body_text
                mail = box.outbound(
                    ticket.id,
                    ticket.number,
                    ticket.subject,
                    ticket.requester.email,
                    body,
                    support_address=self.mail.support_address,
                    secret=self._secret(),
                    unique=message_id.hex,
                )
                mail = box.threaded(mail, reply_threading(ticket.messages))
                message = TicketMessage(
                    id=message_id,
                    direction=Direction.OUTBOUND,
                    sender=self.mail.support_address,
                    body_text=body,
                    at=self.clock.now(),
                    message_id=mail.message_id,
                    author=caller.sub,
                )
                if not ticket.reply(message, command.then):
                    return ticket
                if not sent and uow.inbound.undeliverable(ticket.requester.email):
                    raise AddressUndeliverable(details={"address": ticket.requester.email})
                if not sent:
                    self.mailer.send(mail)
                    sent.append(mail)
                uow.tickets.save(ticket)
                self._record(uow, ticket.events, context)
                uow.commit()
            ticket.version += 1
            ticket.events.clear()
            return ticket

        return self._retrying(attempt)

    def _canned(self, name: str, ticket: Ticket) -> str:
        """A saved answer rendered for ``ticket`` (placeholders filled once, never re-read as a template)."""
        if name not in STANDARD_REPLIES:
            raise InvalidCannedReply(details=[{"field": "canned", "message": "no canned reply of this name"}])
        values = standard_values(ticket.reference, ticket.subject, ticket.requester, AGENT_SIGNATURE, COMPANY)
        return render_canned(STANDARD_REPLIES[name], values)
