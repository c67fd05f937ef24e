"""CRM use cases. Each takes its ports (unit of work, reader, mailer) as arguments."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol
from uuid import UUID

from tandem.crm.domain.commands import CaptureLead
from tandem.crm.domain.errors import ConcurrentSubmission, DuplicateSubmission, LeadNotFound
from tandem.crm.domain.events import LeadCaptured
from tandem.crm.domain.model import Acknowledgement, Lead, LeadPage
from tandem.crm.domain.rules import ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, DEDUP_WINDOW, is_bot
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope


class LeadUnitOfWork(Protocol):
    """Collects a new lead, its dedup claim and its events; writes all or nothing on commit."""

    def __enter__(self) -> LeadUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def add_lead(self, lead: Lead, *, dedup_until: datetime, now: datetime) -> None: ...
    def record(self, envelope: Envelope[LeadCaptured]) -> None: ...
    def commit(self) -> None: ...  # DuplicateSubmission(lead_id) for a repeat, ConcurrentSubmission on a race


class LeadReader(Protocol):
    def get(self, lead_id: UUID) -> Lead | None: ...
    def list_newest(self, *, limit: int, cursor: str | None) -> LeadPage: ...


class Mailer(Protocol):
    def send(self, message: Acknowledgement) -> str: ...


class AcknowledgementQuota(Protocol):
    def take(self, email: str, day: date, *, limit: int) -> bool:
        """Count one acknowledgement to ``email`` on ``day``; False (and no count) once ``limit`` is reached."""
        ...


@dataclass(frozen=True, slots=True)
class CaptureResult:
    lead_id: UUID
    stored: bool  # False for a bot or a repeat: nothing new was written


def _retry_pause() -> float:
    """Seconds to wait before the one retry after a transaction conflict: short, jittered."""
    return random.uniform(0.02, 0.1)  # noqa: S311 - jitter, not security


def capture_lead(
    command: CaptureLead, uow: LeadUnitOfWork, context: MessageContext, *,
    now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
    sleep: Callable[[float], Any] = time.sleep,
) -> CaptureResult:
    """Store a lead and its LeadCaptured event in one transaction.

    A bot (filled honeypot) gets a random id and nothing is stored, so it cannot tell it
    was caught. A repeat of the same email + message within the dedup window returns the
    first lead's id, also without writing anything. Two identical submissions at the same
    moment make DynamoDB cancel one transaction (``ConcurrentSubmission``): it is retried
    once after a short jittered pause and then finds the other's dedup claim, so both
    callers get the same lead id instead of a 409.
    """
    if is_bot(command.honeypot):
        return CaptureResult(lead_id=ids(), stored=False)
    moment = now()
    lead = Lead.capture(command, lead_id=ids(), now=moment)
    envelopes = [Envelope.wrap(event, context, occurred_at=moment, event_id=ids()) for event in lead.events]
    try:
        return _store(lead, envelopes, uow, moment)
    except ConcurrentSubmission:
        sleep(_retry_pause())
    return _store(lead, envelopes, uow, moment)


def _store(lead: Lead, envelopes: list[Envelope[Any]], uow: LeadUnitOfWork, moment: datetime) -> CaptureResult:
    try:
        with uow:
            uow.add_lead(lead, dedup_until=moment + DEDUP_WINDOW, now=moment)
            for envelope in envelopes:
                uow.record(envelope)
            uow.commit()
    except DuplicateSubmission as repeat:
        return CaptureResult(lead_id=repeat.lead_id, stored=False)
    return CaptureResult(lead_id=lead.id, stored=True)


def get_lead(reader: LeadReader, lead_id: str) -> Lead:
    """The lead, or LeadNotFound (also for ids that are not UUIDs: they cannot exist)."""
    try:
        key = UUID(lead_id)
    except ValueError:
        raise LeadNotFound(details={"id": lead_id[:64]}) from None
    lead = reader.get(key)
    if lead is None:
        raise LeadNotFound(details={"id": str(key)})
    return lead


def list_leads(reader: LeadReader, *, limit: int, cursor: str | None = None) -> LeadPage:
    return reader.list_newest(limit=limit, cursor=cursor)


@dataclass(frozen=True, slots=True)
class AcknowledgementResult:
    lead_id: UUID
    message_id: str | None  # None: not sent, the address had its acknowledgements for today

    @property
    def sent(self) -> bool:
        return self.message_id is not None


def acknowledge_lead(
    event: LeadCaptured, mailer: Mailer, quota: AcknowledgementQuota, *, now: Callable[[], datetime] = utcnow,
) -> AcknowledgementResult:
    """Send the thank-you email, at most ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY per address and UTC day.

    The acknowledgement is a transactional reply to the person's own request, not marketing,
    so it is sent whether or not ``consent`` is true (consent governs marketing mail only).
    Anyone can type anyone's address into the public form, hence the daily quota: over it,
    nothing is sent (the lead itself is already stored). The quota is taken before sending,
    so a send that fails and is retried counts twice; that errs on the side of mailing less.
    A send failure propagates so the invocation is retried.
    """
    message = Acknowledgement.for_lead(event)
    day = now().astimezone(UTC).date()
    if not quota.take(message.to, day, limit=ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY):
        return AcknowledgementResult(lead_id=event.lead_id, message_id=None)
    return AcknowledgementResult(lead_id=event.lead_id, message_id=mailer.send(message))
