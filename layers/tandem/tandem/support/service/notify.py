"""What the support desk tells people after the fact, from its own events (``support_notify``): the requester's
satisfaction survey when a ticket is solved, the team lead's note when an SLA target is breached.

The survey goes out once per ticket, ever (``Surveys``: a conditional write). Order: MARK, then send. A
redelivered or repeated ``solved`` finds the mark and sends nothing; a failed send removes the mark and fails,
so the consumer's retry sends it; only a crash between the mark and the send loses the survey. The other order
(send, then mark) would send a second survey after such a crash, and a customer asked twice is worse than one
not asked.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from tandem.support.domain import csat
from tandem.support.domain import mailbox as box
from tandem.support.domain.commands import SendSurvey, TellTeamLead
from tandem.support.domain.errors import SurveyAlreadySent
from tandem.support.domain.rules import TicketStatus
from tandem.support.service.base import ServiceBase

log = logging.getLogger(__name__)
SURVEYED = frozenset({TicketStatus.SOLVED, TicketStatus.CLOSED})


class Notify(ServiceBase):
    def send_survey(self, command: SendSurvey) -> bool:
        """Email the requester the signed rating link, unless the ticket was surveyed before, is no longer
        solved (reopened meanwhile), was merged, or its address bounced for good. True when it went out."""
        now = self.clock.now()
        with self.uow() as uow:
            ticket = uow.tickets.get(command.ticket_id)
            if ticket is None or ticket.merged_into is not None or ticket.status not in SURVEYED:
                return False
            to = ticket.requester.email
            if uow.inbound.undeliverable(to):
                log.info("survey not sent: address undeliverable", extra={"ticket": ticket.reference})
                return False
            uow.surveys.claim(ticket.id, to=to, at=now)
            try:
                uow.commit()
            except SurveyAlreadySent:
                return False
        secret = self._secret()
        text = csat.survey_text(
            ticket.number,
            ticket.subject,
            ticket.requester.name,
            csat.survey_link(self.mail.csat_link_base, ticket.id, secret),
        )
        mail = box.outbound(
            ticket.id,
            ticket.number,
            ticket.subject,
            to,
            text,
            support_address=self.mail.support_address,
            secret=secret,
            unique=self.clock.new_id().hex,
        )
        try:
            self.mailer.send(replace(mail, auto_submitted="auto-generated"))  # no out-of-office answers it
        except Exception:
            with self.uow() as uow:
                uow.surveys.release(ticket.id, at=self.clock.now())
                uow.commit()
            raise
        return True

    def tell_team_lead(self, command: TellTeamLead) -> bool:
        """A plain-text note to ``SupportTeamLeadAddress``: which ticket, which target, the escalation. Once per
        breach event (the consumer is idempotent by event id)."""
        with self.uow() as uow:
            ticket = uow.tickets.get(command.ticket_id)
        subject = ticket.subject if ticket is not None else box.NO_SUBJECT
        text = box.breach_notice(
            command.number, subject, command.target, command.priority, command.escalated_to, command.due_at.isoformat()
        )
        notice = box.internal_notice(
            self.mail.team_lead_address,
            f"SLA breached: {command.number} ({command.target.replace('_', ' ')})",
            text,
            support_address=self.mail.support_address,
            unique=self.clock.new_id().hex,
        )
        self.mailer.send(notice)
        return True
