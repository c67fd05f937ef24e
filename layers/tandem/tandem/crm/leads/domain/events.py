"""Events the leads context publishes on the bus (source ``tandem.crm``, as before CRM was split)."""

from __future__ import annotations

from uuid import UUID

from pydantic import AwareDatetime, Field

from tandem.shared.envelope import DomainEvent, Envelope


class LeadCaptured(DomainEvent):
    """Someone submitted the contact form and we stored a new lead.

    Carries what consumers need to greet the person; the message and phone number stay in
    the CRM table so that the bus and its archive hold as little personal data as possible.
    """

    context = "crm"
    event_type = "LeadCaptured"
    version = 1

    lead_id: UUID
    name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    company: str | None = Field(default=None, max_length=200)
    consent: bool
    captured_at: AwareDatetime


LeadCapturedEnvelope = Envelope[LeadCaptured]
