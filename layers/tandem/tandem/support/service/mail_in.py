"""An email to the support address becomes a ticket, a message on one, or a recorded rejection.

parse (``inbound_mail.parse_message``) -> dedupe (``mail_message.dedupe_key``) -> classify (``mail_kinds``)
-> thread (``threads.resolve_thread``) -> open or append (``model.Ticket``) -> acknowledge (RFC 3834, at
most ``acknowledgements_per_hour`` per sender). The raw MIME is in the bucket before this runs (SES's S3
action), so nothing is ever lost: a rejection keeps its key, and so does every ticket message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from uuid import UUID

from tandem.shared.correlation import MessageContext
from tandem.support.domain import mailbox as box
from tandem.support.domain.commands import ReceiveEmail
from tandem.support.domain.delivery_status import DeliveryReport
from tandem.support.domain.errors import DuplicateDelivery
from tandem.support.domain.events import BouncedRecipient, EmailBounced, InboundEmailRejected
from tandem.support.domain.inbound_mail import parse_message
from tandem.support.domain.mail_kinds import MailKind, kind_of, should_acknowledge
from tandem.support.domain.mail_message import Attachment, ParsedMessage, Rejection, dedupe_key
from tandem.support.domain.mailbox import InboundOutcome, InboundRecord, StoredFile
from tandem.support.domain.messages import (
    Channel,
    Direction,
    Requester,
    TicketMessage,
    inline_text,
    reply_threading,
)
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import excerpt, normalized_email
from tandem.support.domain.threads import Lookups, resolve_thread
from tandem.support.ports import UnitOfWork
from tandem.support.service.base import INBOUND_ATTEMPTS
from tandem.support.service.kb import KnowledgeBase

log = logging.getLogger(__name__)
TEXT, HTML = "text/plain; charset=utf-8", "text/html; charset=utf-8"
AUTO_REPLY_WITHOUT_TICKET = "auto_reply_without_ticket"  # the reason an ignored out-of-office reply is listed with


@dataclass(frozen=True, slots=True)
class Received:
    """What one delivery became; ``acknowledged`` says whether the automatic answer went out."""

    outcome: InboundOutcome
    ticket_id: UUID | None = None
    number: str | None = None
    acknowledged: bool = False
    reason: str | None = None


class MailIn(KnowledgeBase):
    def receive_email(self, command: ReceiveEmail, context: MessageContext) -> Received:
        """Store what the message SES stored is: a ticket, a message on one, or a rejection."""
        raw_key = f"{self.mail.raw_prefix}{command.ses_message_id}"
        raw = self.store.raw(raw_key)
        parsed = parse_message(raw, self.mail.limits)
        mailbox = self._mailbox(command.recipients)
        _, key = dedupe_key(mailbox, parsed)
        with self.uow() as uow:
            if uow.inbound.seen(mailbox, key) is not None:
                return Received(InboundOutcome.DUPLICATE)
        record = InboundRecord(
            id=self.clock.new_id(),
            mailbox=mailbox,
            key=key,
            raw_key=raw_key,
            received_at=self.clock.now(),
            outcome=InboundOutcome.REJECTED,
            sender=parsed.sender,
            subject=parsed.subject,
            message_id=parsed.message_id,
            size=parsed.size,
        )
        try:
            if isinstance(parsed, Rejection):
                return self._reject(record, parsed, context)
            return self._accept(record, parsed, context)
        except DuplicateDelivery:
            return Received(InboundOutcome.DUPLICATE)

    def _mailbox(self, recipients: tuple[str, ...]) -> str:
        """The support mailbox the message came to: a plus-address (``support+<token>@``) counts as the address."""
        ours = normalized_email(self.mail.support_address)
        local, _, domain = ours.rpartition("@")
        for recipient in recipients:
            r_local, _, r_domain = normalized_email(recipient).rpartition("@")
            if r_domain == domain and r_local.split("+", 1)[0] == local:
                return ours
        return normalized_email(recipients[0]) if recipients else ours

    def _reject(self, record: InboundRecord, rejection: Rejection, context: MessageContext) -> Received:
        rejected = replace(record, reason=rejection.reason.value, detail=rejection.detail[:500])
        event = InboundEmailRejected(
            inbound_id=rejected.id,
            mailbox=rejected.mailbox,
            reason=rejection.reason.value,
            detail=excerpt(rejection.detail),
            sender=rejection.sender,
            subject=excerpt(rejection.subject) if rejection.subject else None,
            size=rejection.size,
            received_at=rejected.received_at,
        )
        with self.uow() as uow:
            uow.inbound.add(rejected)
            self._record(uow, [event], context)
            uow.commit()
        log.warning("inbound email rejected", extra={"reason": rejection.reason.value, "raw_key": record.raw_key})
        return Received(InboundOutcome.REJECTED, reason=rejection.reason.value)

    def _accept(self, record: InboundRecord, parsed: ParsedMessage, context: MessageContext) -> Received:
        kind = kind_of(parsed)
        message_id = self.clock.new_id()
        visible = parsed.visible_text or parsed.body_text
        inline, cut = inline_text(visible)
        keep_whole = cut or parsed.body_text != visible  # what the item shows is not all the person sent
        message = TicketMessage(
            id=message_id,
            direction=Direction.INBOUND,
            sender=parsed.sender,
            body_text=inline,
            at=record.received_at,
            message_id=parsed.message_id,
            attachment_ids=tuple(a.id for a in parsed.attachments),
            auto_reply=kind is MailKind.OUT_OF_OFFICE,
            body_key=self.store.put_body(message_id, "text", parsed.body_text, TEXT) if keep_whole else None,
            html_key=self.store.put_body(message_id, "html", parsed.body_html, HTML) if parsed.body_html else None,
            body_truncated=cut,
        )
        if kind is MailKind.BOUNCE:
            return self._bounce(record, parsed, message, context)
        stored: list[StoredFile] = []  # put once, on the first attempt that finds the message a ticket

        def store_files() -> list[StoredFile]:
            if not stored:
                stored.extend(self._stored_file(message.id, a) for a in parsed.attachments)
            return stored

        def attempt() -> tuple[Ticket | None, bool, bool]:
            with self.uow() as uow:
                threaded = self._thread(uow, parsed, message)
                if threaded is None:  # an automatic reply about nothing we know: kept, listed, not a ticket
                    uow.inbound.add(replace(record, outcome=InboundOutcome.IGNORED, reason=AUTO_REPLY_WITHOUT_TICKET))
                    uow.commit()
                    return None, False, False
                ticket, opened = threaded
                ack = False
                if opened:
                    hour = box.hour_of(record.received_at)
                    sent = uow.inbound.acknowledgements_sent(parsed.sender, hour)
                    ack = bool(
                        should_acknowledge(
                            parsed, box.our_domain(self.mail.support_address), sent, self.mail.acknowledgements_per_hour
                        )
                    )
                    if ack and uow.inbound.undeliverable(parsed.sender):
                        ack = False
                    if ack:
                        uow.inbound.count_acknowledgement(parsed.sender, hour, seen=sent)
                uow.tickets.add_files(ticket.id, message.id, store_files())
                outcome = InboundOutcome.OPENED if opened else InboundOutcome.APPENDED
                uow.inbound.add(replace(record, outcome=outcome, ticket_id=ticket.id))
                self._record(uow, ticket.events, context)
                uow.commit()
            return ticket, opened, ack

        ticket, opened, ack = self._retrying(attempt, attempts=INBOUND_ATTEMPTS)
        if ticket is None:
            return Received(InboundOutcome.IGNORED, reason=AUTO_REPLY_WITHOUT_TICKET)
        if ack:
            ack = self._acknowledge(ticket, parsed)
        outcome = InboundOutcome.OPENED if opened else InboundOutcome.APPENDED
        return Received(outcome, ticket.id, ticket.reference, acknowledged=ack)

    def _stored_file(self, message_id: UUID, attachment: Attachment) -> StoredFile:
        return StoredFile(
            id=attachment.id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            key=self.store.put_file(message_id, attachment),
            content_id=attachment.content_id,
            inline=attachment.inline,
        )

    def _thread(self, uow: UnitOfWork, parsed: ParsedMessage, message: TicketMessage) -> tuple[Ticket, bool] | None:
        """The ticket ``message`` joins (staged for the commit), and whether it is a new one; None for an
        out-of-office reply that threads to no ticket (it would open a ticket nobody asked for, Zendesk and
        FreeScout drop those too; we keep it listed instead)."""
        tickets = uow.tickets
        lookups = Lookups(tickets.facts, tickets.facts_by_number, tickets.ticket_of_message_id)
        decision = resolve_thread(box.facts_of(parsed, self.mail.support_address), self.mail.secrets(), lookups)
        if decision.ticket_id is not None:
            found = tickets.get(decision.ticket_id)
            if found is not None:
                found.receive(message)
                tickets.save(found)
                return found, False
        if message.auto_reply:
            return None
        ticket = self._open(
            uow,
            self.clock.new_id(),
            parsed.subject or box.NO_SUBJECT,
            message,
            requester=Requester(email=parsed.sender, name=parsed.sender_name),
            channel=Channel.EMAIL,
            linked_to=decision.linked_to,
        )
        return ticket, True

    def _bounce(
        self, record: InboundRecord, parsed: ParsedMessage, message: TicketMessage, context: MessageContext
    ) -> Received:
        """A delivery status notification: shown on the ticket whose message bounced (as a note), never
        acknowledged, never a ticket of its own."""
        report = parsed.delivery_report
        original = report.original_message_id if report else None

        def attempt() -> UUID | None:
            with self.uow() as uow:
                ticket_id = uow.tickets.ticket_of_message_id(original) if original else None
                ticket = uow.tickets.get(ticket_id) if ticket_id else None
                if ticket is not None:
                    failed = ", ".join(report.permanent_failures) if report else ""
                    note = TicketMessage(
                        id=message.id,
                        direction=Direction.NOTE,
                        sender=message.sender,
                        body_text=f"Delivery failed ({failed or 'no address named'}) for {original}.\n\n"
                        + message.body_text,
                        at=message.at,
                        message_id=None,
                    )
                    ticket.add_note(note)
                    uow.tickets.save(ticket)
                for address in report.permanent_failures if report else ():
                    uow.inbound.mark_undeliverable(address, since=message.at, reason=f"bounce of {original}")
                uow.inbound.add(replace(record, outcome=InboundOutcome.BOUNCE, ticket_id=ticket_id))
                self._record(uow, [bounced(record, ticket, original, report)], context)
                uow.commit()
                return ticket_id

        ticket_id = self._retrying(attempt)
        return Received(InboundOutcome.BOUNCE, ticket_id)

    def _acknowledge(self, ticket: Ticket, parsed: ParsedMessage) -> bool:
        """The automatic answer to a new ticket's first message, after the ticket is stored: a failure to send
        is logged, never a lost ticket. It threads on the customer's message and carries our token."""
        mail = box.outbound(
            ticket.id,
            ticket.number,
            ticket.subject,
            parsed.sender,
            box.acknowledgement_text(ticket.number, parsed.sender_name),
            support_address=self.mail.support_address,
            secret=self._secret(),
            unique=self.clock.new_id().hex,
        )
        mail = box.threaded(mail, reply_threading(ticket.messages))
        try:
            self.mailer.send(replace(mail, auto_submitted="auto-replied"))
        except Exception as exc:  # noqa: BLE001 - the ticket is stored; the answer is a courtesy
            log.warning("acknowledgement not sent", extra={"ticket": ticket.reference, "error": type(exc).__name__})
            return False
        return True


def bounced(
    record: InboundRecord, ticket: Ticket | None, original: str | None, report: DeliveryReport | None
) -> EmailBounced:
    """``EmailBounced`` for a delivery status notification: per recipient what the report says."""
    return EmailBounced(
        inbound_id=record.id,
        ticket_id=ticket.id if ticket else None,
        number=ticket.reference if ticket else None,
        original_message_id=original,
        recipients=[
            BouncedRecipient(address=r.address, action=r.action.value, status=r.status, permanent=r.permanent)
            for r in (report.recipients if report else ())
        ],
        received_at=record.received_at,
    )
