"""The Lead aggregate: a person who contacted us and may become a customer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from tandem.crm.leads.domain import rules
from tandem.crm.leads.domain.commands import AcknowledgeLead, CaptureLead
from tandem.crm.leads.domain.events import LeadCaptured
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
        lead = cls(
            id=lead_id,
            name=command.name,
            email=command.email.strip(),
            message=command.message,
            consent=command.consent,
            created_at=now,
            company=command.company,
            phone=command.phone,
        )
        lead.events.append(
            LeadCaptured(
                lead_id=lead.id,
                name=lead.name,
                email=lead.email,
                company=lead.company,
                consent=lead.consent,
                captured_at=now,
            )
        )
        return lead

    @property
    def fingerprint(self) -> str:
        """Same email + message within the dedup window means the same lead."""
        return rules.submission_fingerprint(self.email, self.message)

    @property
    def dedup_until(self) -> datetime:
        """Until when another submission with this fingerprint is this lead again."""
        return self.created_at + rules.DEDUP_WINDOW


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """The thank-you email a new lead receives.

    Everything in the headers is ours except the recipient address (validated, one line): the
    subject is constant, so a stranger's text never reaches a mail header. The body is plain
    text (no markup to inject into) and repeats only the person's name and our reference.
    """

    SUBJECT: ClassVar[str] = "We received your message"

    to: str
    text: str

    @property
    def subject(self) -> str:
        return self.SUBJECT

    @classmethod
    def for_lead(cls, command: AcknowledgeLead) -> Acknowledgement:
        if rules.email_error(command.email) or rules.text_error(command.name, single_line=True):
            raise ValueError("LeadCaptured carries an address or name that must not be mailed")
        text = (
            f"Hello {command.name},\n\n"
            "thank you for contacting Tandem. We have received your message and someone "
            "from our team will get back to you within one business day.\n\n"
            f"Your reference: {command.lead_id}\n\n"
            "Kind regards,\nThe Tandem team\n"
        )
        return cls(to=command.email, text=text)
