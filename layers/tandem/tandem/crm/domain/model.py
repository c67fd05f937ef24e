"""The Lead aggregate: a person who contacted us and may become a customer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from tandem.crm.domain import rules
from tandem.crm.domain.commands import CaptureLead
from tandem.crm.domain.events import LeadCaptured
from tandem.shared.envelope import DomainEvent


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


@dataclass
class Lead:
    id: UUID
    name: str
    email: str
    message: str
    consent: bool
    created_at: datetime
    company: str | None = None
    phone: str | None = None
    status: LeadStatus = LeadStatus.NEW
    # Recorded, not published: the unit of work turns them into outbox items.
    events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def capture(cls, command: CaptureLead, *, lead_id: UUID, now: datetime) -> Lead:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        lead = cls(id=lead_id, name=command.name, email=command.email.strip(), message=command.message,
                   consent=command.consent, created_at=now, company=command.company, phone=command.phone)
        lead.events.append(LeadCaptured(lead_id=lead.id, name=lead.name, email=lead.email,
                                        company=lead.company, consent=lead.consent, captured_at=now))
        return lead

    @property
    def fingerprint(self) -> str:
        """Same email + message within the dedup window means the same lead."""
        return rules.submission_fingerprint(self.email, self.message)


@dataclass(frozen=True, slots=True)
class LeadPage:
    """One page of leads, newest first; ``cursor`` is opaque and None on the last page."""

    leads: list[Lead]
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """The thank-you email a new lead receives (plain text only: no markup to inject into)."""

    to: str
    subject: str
    text: str

    @classmethod
    def for_lead(cls, event: LeadCaptured) -> Acknowledgement:
        first_name = event.name.split()[0] if event.name.split() else event.name
        text = (
            f"Hello {event.name},\n\n"
            "thank you for contacting Tandem. We have received your message and someone "
            "from our team will get back to you within one business day.\n\n"
            f"Your reference: {event.lead_id}\n\n"
            "Kind regards,\nThe Tandem team\n"
        )
        return cls(to=event.email, subject=f"Thanks for getting in touch, {first_name}", text=text)
