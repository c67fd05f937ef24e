"""Request and response models of the leads routes of the CRM API (the edge; the domain never sees them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from tandem.crm.leads.domain import rules
from tandem.crm.leads.domain.commands import CaptureLead
from tandem.crm.leads.domain.model import Lead, LeadStatus
from tandem.shared.openapi import ItemsPage
from tandem.shared.paging import Page
from tandem.shared.text import MultiLine, SingleLine


class ContactForm(BaseModel):
    """The public contact form. Unknown fields and wrong types are refused (strict)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: Annotated[str, Field(examples=["Ada Lovelace"]), SingleLine(rules.NAME_MAX)]
    email: Annotated[str, Field(examples=["ada@example.com"]), SingleLine(rules.EMAIL_MAX, min_length=3)]
    message: Annotated[str, MultiLine(rules.MESSAGE_MAX)]
    consent: Annotated[bool, Field(description="The person agreed to be contacted about this request")]
    company: Annotated[str | None, SingleLine(rules.COMPANY_MAX, min_length=0)] = None
    phone: Annotated[str | None, Field(pattern=rules.PHONE_PATTERN), SingleLine(rules.PHONE_MAX, min_length=0)] = None
    website: Annotated[
        str, Field(description="Honeypot: hidden from people, leave empty"), SingleLine(rules.HONEYPOT_MAX, 0)
    ] = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if rules.email_error(value):
            raise PydanticCustomError("email", "must be a valid email address")
        return value

    def to_command(self) -> CaptureLead:
        return CaptureLead(
            name=self.name,
            email=self.email,
            message=self.message,
            consent=self.consent,
            company=self.company or None,
            phone=self.phone or None,
            honeypot=self.website,
        )


class LeadAccepted(BaseModel):
    """The form was received. Sending the same email and message again within 10 minutes answers the
    first reference again."""

    lead_id: UUID = Field(description="Reference of the received request")
    status: Literal["received"] = "received"


class LeadView(BaseModel):
    """A lead: a person who sent the contact form, as the sales team sees them."""

    lead_id: UUID
    name: str
    email: str
    message: str
    company: str | None
    phone: str | None
    consent: bool = Field(description="The person agreed to be contacted about this request")
    status: LeadStatus
    created_at: datetime = Field(description="When the form was received")

    @classmethod
    def of(cls, lead: Lead) -> LeadView:
        return cls(
            lead_id=lead.id,
            name=lead.name,
            email=lead.email,
            message=lead.message,
            company=lead.company,
            phone=lead.phone,
            consent=lead.consent,
            status=lead.status,
            created_at=lead.created_at,
        )


class LeadList(ItemsPage[LeadView]):
    """Leads, newest first."""

    @classmethod
    def of(cls, page: Page[Lead]) -> LeadList:
        return cls(items=[LeadView.of(lead) for lead in page.items], next_token=page.cursor)
