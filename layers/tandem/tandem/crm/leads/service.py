"""Leads use cases: capture a contact-form submission, read leads, acknowledge a captured lead by mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from uuid import UUID

from tandem.crm.leads.domain.commands import AcknowledgeLead, CaptureLead
from tandem.crm.leads.domain.errors import ConcurrentSubmission, DuplicateSubmission, LeadNotFound
from tandem.crm.leads.domain.model import Acknowledgement, Lead
from tandem.crm.leads.domain.rules import ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, is_bot
from tandem.crm.leads.ports import AcknowledgementQuota, Mailer, UnitOfWork
from tandem.shared.clock import Clock
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import DomainEvent, Envelope
from tandem.shared.paging import Page
from tandem.shared.retry import retrying

# A lost race is retried once: the retry finds the rival's dedup claim (or, rarely, stores our lead).
CAPTURE_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class CaptureResult:
    lead_id: UUID
    stored: bool  # False for a bot or a repeat: nothing new was written


@dataclass(frozen=True, slots=True)
class AcknowledgementResult:
    lead_id: UUID
    message_id: str | None  # None: not sent, the address had its acknowledgements for today

    @property
    def sent(self) -> bool:
        return self.message_id is not None


class LeadsService:
    """The leads use cases; a new unit of work per call."""

    def __init__(
        self, uow: Callable[[], UnitOfWork], clock: Clock, *, mailer: Mailer, quota: AcknowledgementQuota
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.mailer = mailer
        self.quota = quota

    def capture_lead(self, command: CaptureLead, context: MessageContext) -> CaptureResult:
        """Store a lead and its LeadCaptured event in one transaction.

        A bot (filled honeypot) gets a random id and nothing is stored, so it cannot tell it
        was caught. A repeat of the same email + message within the dedup window returns the
        first lead's id, also without writing anything. Two identical submissions at the same
        moment make DynamoDB cancel one transaction (``ConcurrentSubmission``): it is retried
        once after a short jittered pause and then finds the other's dedup claim, so both
        callers get the same lead id instead of a 409.
        """
        if is_bot(command.honeypot):
            return CaptureResult(lead_id=self.clock.new_id(), stored=False)
        moment = self.clock.now()
        lead = Lead.capture(command, lead_id=self.clock.new_id(), now=moment)
        envelopes = [
            Envelope.wrap(event, context, occurred_at=moment, event_id=self.clock.new_id()) for event in lead.events
        ]
        return retrying(
            lambda: self._store(lead, envelopes),
            on=(ConcurrentSubmission,),
            attempts=CAPTURE_ATTEMPTS,
            sleep=self.clock.sleep,
        )

    def _store(self, lead: Lead, envelopes: list[Envelope[DomainEvent]]) -> CaptureResult:
        try:
            with self.uow() as uow:
                uow.leads.add(lead)
                for envelope in envelopes:
                    uow.record(envelope)
                uow.commit()
        except DuplicateSubmission as repeat:
            return CaptureResult(lead_id=repeat.lead_id, stored=False)
        return CaptureResult(lead_id=lead.id, stored=True)

    def get_lead(self, lead_id: str) -> Lead:
        """The lead, or LeadNotFound (also for ids that are not UUIDs: they cannot exist)."""
        try:
            key = UUID(lead_id)
        except ValueError:
            raise LeadNotFound(details={"id": lead_id[:64]}) from None
        with self.uow() as uow:
            lead = uow.leads.get(key)
        if lead is None:
            raise LeadNotFound(details={"id": str(key)})
        return lead

    def list_leads(self, limit: int, cursor: str | None = None) -> Page[Lead]:
        """Leads, newest first."""
        with self.uow() as uow:
            return uow.leads.list_newest(limit, cursor)

    def acknowledge_lead(self, command: AcknowledgeLead) -> AcknowledgementResult:
        """Send the thank-you email, at most ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY per address and UTC day.

        The acknowledgement is a transactional reply to the person's own request, not marketing,
        so it is sent whether or not ``consent`` is true (consent governs marketing mail only).
        Anyone can type anyone's address into the public form, hence the daily quota: over it,
        nothing is sent (the lead itself is already stored). The quota is taken before sending,
        so a send that fails and is retried counts twice; that errs on the side of mailing less.
        A send failure propagates so the invocation is retried.
        """
        message = Acknowledgement.for_lead(command)
        day = self.clock.now().astimezone(UTC).date()
        if not self.quota.take(message.to, day, limit=ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY):
            return AcknowledgementResult(lead_id=command.lead_id, message_id=None)
        return AcknowledgementResult(lead_id=command.lead_id, message_id=self.mailer.send(message))
