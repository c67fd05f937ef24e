"""CRM use cases. Each takes its ports (unit of work, reader, mailer) as arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from tandem.crm.domain.commands import CaptureLead
from tandem.crm.domain.errors import DuplicateSubmission, LeadNotFound
from tandem.crm.domain.events import LeadCaptured
from tandem.crm.domain.model import Acknowledgement, Lead, LeadPage
from tandem.crm.domain.rules import DEDUP_WINDOW, is_bot
from tandem.shared.clock import new_id, utcnow
from tandem.shared.correlation import MessageContext
from tandem.shared.envelope import Envelope


class LeadUnitOfWork(Protocol):
    """Collects a new lead, its dedup claim and its events; writes all or nothing on commit."""

    def __enter__(self) -> LeadUnitOfWork: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def add_lead(self, lead: Lead, *, dedup_until: datetime, now: datetime) -> None: ...
    def record(self, envelope: Envelope[LeadCaptured]) -> None: ...
    def commit(self) -> None: ...  # raises DuplicateSubmission(lead_id) for a repeat


class LeadReader(Protocol):
    def get(self, lead_id: UUID) -> Lead | None: ...
    def list_newest(self, *, limit: int, cursor: str | None) -> LeadPage: ...


class Mailer(Protocol):
    def send(self, message: Acknowledgement) -> str: ...


@dataclass(frozen=True, slots=True)
class CaptureResult:
    lead_id: UUID
    stored: bool  # False for a bot or a repeat: nothing new was written


def capture_lead(
    command: CaptureLead, uow: LeadUnitOfWork, context: MessageContext, *,
    now: Callable[[], datetime] = utcnow, ids: Callable[[], UUID] = new_id,
) -> CaptureResult:
    """Store a lead and its LeadCaptured event in one transaction.

    A bot (filled honeypot) gets a random id and nothing is stored, so it cannot tell it
    was caught. A repeat of the same email + message within the dedup window returns the
    first lead's id, also without writing anything.
    """
    if is_bot(command.honeypot):
        return CaptureResult(lead_id=ids(), stored=False)
    moment = now()
    lead = Lead.capture(command, lead_id=ids(), now=moment)
    try:
        with uow:
            uow.add_lead(lead, dedup_until=moment + DEDUP_WINDOW, now=moment)
            for event in lead.events:
                uow.record(Envelope.wrap(event, context, occurred_at=moment, event_id=ids()))
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


def acknowledge_lead(event: LeadCaptured, mailer: Mailer) -> str:
    """Send the thank-you email; a failure propagates so the invocation is retried."""
    return mailer.send(Acknowledgement.for_lead(event))
