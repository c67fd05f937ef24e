"""Commands the leads context accepts (imperative names, one handler each)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from tandem.crm.leads.domain import rules
from tandem.crm.leads.domain.errors import InvalidLead
from tandem.crm.leads.domain.events import LeadCaptured


@dataclass(frozen=True, slots=True)
class CaptureLead:
    """Record a contact-form submission as a lead (the form's fields, already trimmed)."""

    name: str
    email: str
    message: str
    consent: bool
    company: str | None = None
    phone: str | None = None
    honeypot: str | None = None

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise InvalidLead(details=[{"field": f, "message": m} for f, m in problems])


_LIMITS = {
    "name": rules.NAME_MAX,
    "email": rules.EMAIL_MAX,
    "message": rules.MESSAGE_MAX,
    "company": rules.COMPANY_MAX,
    "phone": rules.PHONE_MAX,
}


def _problems(command: CaptureLead) -> Iterator[tuple[str, str]]:
    """Every broken rule as (field, message); the same rules the HTTP model applies."""
    for field, limit in _LIMITS.items():
        value = getattr(command, field)
        if value is None:
            continue
        if field in ("name", "email", "message") and not value.strip():
            yield field, "must not be empty"
        elif len(value) > limit:
            yield field, f"must be at most {limit} characters"
        else:
            error = rules.text_error(value, single_line=field != "message")
            if error:
                yield field, error
    if command.email.strip() and rules.email_error(command.email.strip()):
        yield "email", "must be a valid email address"


@dataclass(frozen=True, slots=True)
class AcknowledgeLead:
    """Send the thank-you mail for a captured lead: what its LeadCaptured event says about the person."""

    lead_id: UUID
    name: str
    email: str

    @classmethod
    def of(cls, event: LeadCaptured) -> AcknowledgeLead:
        return cls(lead_id=event.lead_id, name=event.name, email=event.email)
