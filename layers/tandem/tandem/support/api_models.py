"""Request and response models of the support API (the edge; the domain never sees them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from tandem.shared.openapi import ItemsPage
from tandem.shared.paging import Page
from tandem.shared.text import MultiLine
from tandem.support.domain.mailbox import InboundRecord, StoredFile
from tandem.support.domain.messages import Channel, Direction, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.service import TicketThread

REPLY_MAX = 20_000
ReplyStatus = Literal["open", "pending", "on_hold", "solved"]


class ReplyRequest(BaseModel):
    """An agent's answer, emailed to the requester; ``then`` is the ticket's status afterwards."""

    body_text: Annotated[str, MultiLine(REPLY_MAX)]
    then: ReplyStatus | None = Field(default=None, description="The status after the reply; default: new -> open")


class AttachmentView(BaseModel):
    id: str = Field(description="a1, a2… in the message's MIME order")
    filename: str
    content_type: str
    size: int
    inline: bool
    download: str = Field(description="Path of GET /tickets/{id}/messages/{message_id}/attachments/{attachment_id}")

    @classmethod
    def of(cls, ticket_id: UUID, message_id: UUID, stored: StoredFile) -> AttachmentView:
        return cls(
            id=stored.id,
            filename=stored.filename,
            content_type=stored.content_type,
            size=stored.size,
            inline=stored.inline,
            download=f"/tickets/{ticket_id}/messages/{message_id}/attachments/{stored.id}",
        )


class TicketMessageView(BaseModel):
    id: UUID
    direction: Direction
    from_: str = Field(alias="from", serialization_alias="from")
    body_text: str
    at: datetime
    message_id: str | None = Field(description="The email Message-ID; none for notes and forms")
    auto_reply: bool
    attachments: list[AttachmentView]

    @classmethod
    def of(cls, ticket_id: UUID, message: TicketMessage, files: tuple[StoredFile, ...]) -> TicketMessageView:
        return cls.model_validate(
            {
                "id": message.id,
                "direction": message.direction,
                "from": message.sender,
                "body_text": message.body_text,
                "at": message.at,
                "message_id": message.message_id,
                "auto_reply": message.auto_reply,
                "attachments": [AttachmentView.of(ticket_id, message.id, f) for f in files],
            }
        )


class TicketSummaryView(BaseModel):
    id: UUID
    number: str = Field(examples=["T-000123"])
    subject: str
    requester_email: str
    channel: Channel
    status: TicketStatus
    priority: Priority
    assignee: str | None
    opened_at: datetime

    @classmethod
    def fields_of(cls, ticket: Ticket) -> dict[str, object]:
        return {
            "id": ticket.id,
            "number": ticket.reference,
            "subject": ticket.subject,
            "requester_email": ticket.requester.email,
            "channel": ticket.channel,
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": ticket.assignee,
            "opened_at": ticket.opened_at,
        }

    @classmethod
    def of(cls, ticket: Ticket) -> TicketSummaryView:
        return cls.model_validate(cls.fields_of(ticket))


class TicketView(TicketSummaryView):
    ccs: list[str]
    tags: list[str]
    merged_into: UUID | None
    linked_to: UUID | None
    messages: list[TicketMessageView]

    @classmethod
    def of_thread(cls, thread: TicketThread) -> TicketView:
        ticket = thread.ticket
        return cls.model_validate(
            {
                **TicketSummaryView.fields_of(ticket),
                "ccs": sorted(ticket.ccs),
                "tags": sorted(ticket.tags),
                "merged_into": ticket.merged_into,
                "linked_to": ticket.linked_to,
                "messages": [TicketMessageView.of(ticket.id, m, thread.files.get(m.id, ())) for m in ticket.messages],
            }
        )


class TicketList(ItemsPage[TicketSummaryView]):
    @classmethod
    def of(cls, page: Page[Ticket]) -> TicketList:
        return cls(items=[TicketSummaryView.of(t) for t in page.items], next_token=page.cursor)


class RejectedMailView(BaseModel):
    id: UUID
    mailbox: str
    received_at: datetime
    reason: Literal["no_usable_sender", "too_large", "unparseable"]
    detail: str
    sender: str | None
    subject: str | None
    message_id: str | None
    size: int

    @classmethod
    def of(cls, record: InboundRecord) -> RejectedMailView:
        return cls.model_validate(
            {
                "id": record.id,
                "mailbox": record.mailbox,
                "received_at": record.received_at,
                "reason": record.reason,
                "detail": record.detail or "",
                "sender": record.sender,
                "subject": record.subject,
                "message_id": record.message_id,
                "size": record.size,
            }
        )


class RejectedMailList(ItemsPage[RejectedMailView]):
    @classmethod
    def of(cls, page: Page[InboundRecord]) -> RejectedMailList:
        return cls(items=[RejectedMailView.of(r) for r in page.items], next_token=page.cursor)
