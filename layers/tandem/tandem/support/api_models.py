"""Request and response models of the support API (the edge; the domain never sees them)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tandem.shared import request_keys
from tandem.shared.auth import Identity
from tandem.shared.openapi import ItemsPage
from tandem.shared.paging import Page
from tandem.shared.request_keys import Reply
from tandem.shared.text import MultiLine, SingleLine
from tandem.support.domain.commands import OpenTicket, RecordCsat, UpdateTicket
from tandem.support.domain.csat import COMMENT_MAX, CsatRating
from tandem.support.domain.errors import EmailNotVerified
from tandem.support.domain.mail_body import resolve_cid_references
from tandem.support.domain.mailbox import InboundRecord, StoredFile
from tandem.support.domain.messages import Channel, Direction, Requester, TicketMessage
from tandem.support.domain.model import Ticket
from tandem.support.domain.rules import Priority, TicketStatus
from tandem.support.domain.sla import TargetState
from tandem.support.service import MessageBody, TicketThread

REPLY_MAX = 20_000
ReplyStatus = Literal["open", "pending", "on_hold", "solved"]


AGENT_SUB = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$"  # an agent's token ``sub`` (a Cognito sub is a UUID)
TAG = r"^[a-z0-9][a-z0-9_-]{0,31}$"
TAGS_MAX = 20
NOTE_MAX = 20_000
CannedName = Literal["received", "need_details", "solved"]  # canned.STANDARD_REPLIES


class ReplyRequest(BaseModel):
    """An agent's answer, emailed to the requester: their own text (``body_text``) or a saved answer
    (``canned``, its placeholders filled for the ticket), exactly one; ``then`` is the ticket's status
    afterwards."""

    body_text: Annotated[str, MultiLine(REPLY_MAX)] | None = None
    canned: CannedName | None = Field(default=None, description="A canned reply, rendered for this ticket")
    then: ReplyStatus | None = Field(default=None, description="The status after the reply; default: new -> open")

    @model_validator(mode="after")
    def _one_body(self) -> ReplyRequest:
        if (self.body_text is None) == (self.canned is None):
            raise ValueError("give exactly one of body_text and canned")
        if self.body_text is not None and not self.body_text:
            raise ValueError("body_text is empty")
        return self


class TicketPatch(BaseModel):
    """``PATCH /tickets/{id}``: only the fields given change. ``assignee: null`` unassigns; ``tags`` replaces
    the whole set. The status moves only along the ticket's transitions (409 otherwise)."""

    model_config = ConfigDict(extra="forbid")

    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: Annotated[str | None, Field(pattern=AGENT_SUB, description="An agent's sub; null unassigns")] = None
    tags: Annotated[list[Annotated[str, Field(pattern=TAG)]] | None, Field(max_length=TAGS_MAX)] = None

    @model_validator(mode="after")
    def _something(self) -> TicketPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one of status, priority, assignee, tags")
        for name in ("status", "priority", "tags"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def to_command(self, ticket_id: UUID) -> UpdateTicket:
        given = self.model_fields_set
        return UpdateTicket(
            ticket_id=ticket_id,
            status=self.status,
            priority=self.priority,
            assignee=(self.assignee or "") if "assignee" in given else None,
            tags=frozenset(self.tags) if self.tags is not None else None,
        )


class NoteRequest(BaseModel):
    """An internal note: stored on the thread for agents, never emailed, never shown to the customer."""

    body_text: Annotated[str, MultiLine(NOTE_MAX)]


class MergeRequest(BaseModel):
    """Merge this ticket into ``into``, the ticket that survives."""

    into: UUID


def attachment_path(ticket_id: UUID, message_id: UUID, file_id: str) -> str:
    return f"/tickets/{ticket_id}/messages/{message_id}/attachments/{file_id}"


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
            download=attachment_path(ticket_id, message_id, stored.id),
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
    body_truncated: bool = Field(
        description="True: body_text is the first 100 KB of what the person wrote; the rest is at `body`"
    )
    body: str | None = Field(
        description="Path of GET /tickets/{id}/messages/{message_id}/body: the whole text (quoted history "
        "included) and the sanitised HTML; null when body_text is all there is"
    )

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
                "body_truncated": message.body_truncated,
                "body": f"/tickets/{ticket_id}/messages/{message.id}/body"
                if message.body_key or message.html_key
                else None,
            }
        )


class MessageBodyView(BaseModel):
    """A message in full. ``html`` is the sender's HTML after sanitising (no scripts, styles, handlers, forms or
    remote images), with each inline image's ``cid:`` replaced by its attachment's download path; render it in a
    sandboxed iframe and fetch those paths with the token, as for any attachment."""

    id: UUID
    text: str = Field(description="The whole text: what the person wrote, quoted history and signature included")
    html: str | None = Field(description="The sanitised HTML body, or null for a plain-text message")

    @classmethod
    def of(cls, body: MessageBody) -> MessageBodyView:
        targets = {
            f.content_id.strip("<>").lower(): attachment_path(body.ticket_id, body.message.id, f.id)
            for f in body.files
            if f.content_id
        }
        html = resolve_cid_references(body.html, targets) if body.html is not None else None
        return cls(id=body.message.id, text=body.text, html=html)


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


class SlaTargetView(BaseModel):
    """One SLA target of the ticket's priority, in business time (``SupportHours``, holidays, paused while
    pending or on hold)."""

    target: Literal["first_response", "next_response", "resolution"]
    goal_minutes: int = Field(description="The target, in business minutes")
    due_at: datetime | None = Field(description="When it is due; null while the clock is paused or stopped")
    warn_at: datetime | None
    remaining_minutes: int = Field(description="Business minutes left; negative: overdue by that much")
    met_at: datetime | None = Field(description="When it was met (the reply, the solve); null while open")
    warned: bool
    breached: bool

    @classmethod
    def of(cls, state: TargetState, recorded_breach: bool = False) -> SlaTargetView:
        return cls(
            target=state.target.value,
            goal_minutes=int(state.goal.total_seconds() // 60),
            due_at=state.due_at,
            warn_at=state.warn_at,
            remaining_minutes=int(state.remaining.total_seconds() // 60),
            met_at=state.met_at,
            warned=state.warned,
            breached=state.breached or recorded_breach,  # raised once stays breached (e.g. after escalation)
        )


class CsatView(BaseModel):
    """A ticket's satisfaction rating, as its requester gave it from the survey link."""

    rating: int = Field(ge=1, le=5)
    comment: str | None
    at: datetime

    @classmethod
    def of(cls, rating: CsatRating) -> CsatView:
        return cls(rating=rating.rating, comment=rating.comment, at=rating.at)


class TicketView(TicketSummaryView):
    ccs: list[str]
    tags: list[str]
    merged_into: UUID | None
    linked_to: UUID | None
    messages: list[TicketMessageView]
    sla: list[SlaTargetView] = Field(
        default_factory=list, description="Each SLA target: due, remaining, breached (agents only; empty for customers)"
    )
    csat: CsatView | None = Field(default=None, description="The requester's satisfaction rating (agents only)")

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
                "sla": [SlaTargetView.of(t, t.target in ticket.sla_breached) for t in thread.sla.targets]
                if thread.sla
                else [],
                "csat": CsatView.of(thread.csat) if thread.csat else None,
            }
        )


class TicketList(ItemsPage[TicketSummaryView]):
    @classmethod
    def of(cls, page: Page[Ticket]) -> TicketList:
        return cls(items=[TicketSummaryView.of(t) for t in page.items], next_token=page.cursor)


class RejectedMailView(BaseModel):
    """A message that became no ticket: rejected (no usable sender, too large, unparseable) or ignored (an
    out-of-office reply that threads to no ticket). Its raw MIME stays in the mail bucket."""

    id: UUID
    mailbox: str
    received_at: datetime
    reason: Literal["no_usable_sender", "too_large", "unparseable", "auto_reply_without_ticket"]
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


# --- the customer's side: the public support form and the signed-in app --------------------------------

SUBJECT_MAX, NAME_MAX, EMAIL_MAX, HONEYPOT_MAX = 200, 200, 254, 500
EMAIL_PATTERN = r"[^@\s<>\"',;()\[\]\\]+@[^@\s<>\"',;()\[\]\\]+\.[^@\s<>\"',;()\[\]\\]+"  # one address, no display name


class SupportForm(BaseModel):
    """The public support form: becomes a ticket (channel ``web_form``) and an acknowledgement email to
    ``email``. Unknown fields and wrong types are refused (strict)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Annotated[str | None, Field(examples=["Ada Lovelace"]), SingleLine(NAME_MAX, min_length=0)] = None
    email: Annotated[str, Field(examples=["ada@example.com"]), SingleLine(EMAIL_MAX, min_length=3)]
    subject: Annotated[str, Field(examples=["My order arrived damaged"]), SingleLine(SUBJECT_MAX)]
    message: Annotated[str, MultiLine(REPLY_MAX)]
    website: Annotated[
        str, Field(description="Honeypot: hidden from people, leave empty"), SingleLine(HONEYPOT_MAX, 0)
    ] = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not re.fullmatch(EMAIL_PATTERN, value):
            raise PydanticCustomError("email", "must be a valid email address")
        return value

    def to_command(self) -> OpenTicket:
        requester = Requester(email=self.email, name=self.name or None)
        return OpenTicket(self.subject, self.message, requester, Channel.WEB_FORM, honeypot=self.website)


class SupportFormAccepted(BaseModel):
    """The form was received; the acknowledgement email names the ticket's number."""

    ticket_id: UUID = Field(description="Reference of the received request")
    status: Literal["received"] = "received"


class NewTicket(BaseModel):
    """A signed-in customer's new ticket (channel ``app``): theirs by the token's ``sub``, answered at the
    token's verified email."""

    model_config = ConfigDict(extra="forbid", strict=True)

    subject: Annotated[str, Field(examples=["Where is my order 1042?"]), SingleLine(SUBJECT_MAX)]
    body_text: Annotated[str, MultiLine(REPLY_MAX)]

    def to_command(self, caller: Identity) -> OpenTicket:
        if not caller.verified_email:
            raise EmailNotVerified()
        requester = Requester(email=caller.verified_email, customer_sub=caller.sub)
        return OpenTicket(self.subject, self.body_text, requester, Channel.APP)

    def reply(self, caller: Identity, key: str | None) -> Reply[Ticket]:
        """How the new ticket is answered (and what a retry with the same Idempotency-Key ``key``, checked here
        after the body, answers again), scoped to the caller's ``sub``."""
        return Reply(
            render=lambda ticket: TicketView.of_thread(TicketThread(ticket, {})).model_dump(mode="json", by_alias=True),
            fingerprint=request_keys.fingerprint(f"NewTicket:{self.model_dump_json()}"),
            caller=caller.sub,
            key=request_keys.checked(key),
        )


class CsatRequest(BaseModel):
    """A rating from the survey link: 1 (very unhappy) to 5 (very happy), an optional comment. Strict."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rating: Annotated[int, Field(ge=1, le=5, examples=[5])]
    comment: Annotated[str | None, Field(examples=["Quick and kind, thank you"]), MultiLine(COMMENT_MAX)] = None

    def to_command(self, token: str) -> RecordCsat:
        return RecordCsat(token, self.rating, self.comment or None)


class CsatRecordedView(BaseModel):
    """The rating is stored; the ticket takes no other."""

    ticket_number: str = Field(pattern=r"^T-\d{6,12}$")
    rating: int = Field(ge=1, le=5)
    status: Literal["recorded"] = "recorded"
