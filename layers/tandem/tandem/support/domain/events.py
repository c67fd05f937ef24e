"""Events the support context publishes (source ``tandem.support``), as docs/support-desk.md lists them.

Status, priority and channel are spelled as the model's enums spell them. A message event carries an
``excerpt`` (one line, at most 200 characters) for timelines, never the whole body: the ticket is the
place for the text. Email addresses are contact details for the CRM's timeline by requester email; who
owns a ticket is ``requester_sub`` (the token ``sub``), when a signed-in customer opened it.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tandem.shared.envelope import DomainEvent

StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "web_form", "app", "assistant"]
EXCERPT_MAX = 200
_NUMBER = r"^T-\d{6,12}$"


class _TicketEvent(DomainEvent):
    context = "support"

    ticket_id: UUID
    number: str = Field(pattern=_NUMBER, description="The ticket's reference, T-000123")


class TicketOpened(_TicketEvent):
    """A ticket was opened: from an email, the web form, the app or the assistant."""

    event_type = "TicketOpened"
    version = 1

    subject: str
    requester_email: str
    requester_sub: str | None = None
    channel: ChannelName
    priority: PriorityName
    opened_at: AwareDatetime
    linked_to: UUID | None = Field(default=None, description="The closed ticket this one continues, if any")
    excerpt: str = Field(max_length=EXCERPT_MAX)


class TicketMessageReceived(_TicketEvent):
    """The requester (or a CC) wrote again on an existing ticket; an out-of-office reply says so."""

    event_type = "TicketMessageReceived"
    version = 1

    message_id: UUID
    from_email: str
    received_at: AwareDatetime
    auto_reply: bool = Field(description="An out-of-office reply: appended, the ticket not reopened")
    excerpt: str = Field(max_length=EXCERPT_MAX)
    requester_email: str | None = Field(
        default=None, description="The ticket's requester: the CRM files this on that customer's timeline"
    )


class TicketReplied(_TicketEvent):
    """An agent answered; the answer is emailed with ``email_message_id`` and threads on ``in_reply_to``."""

    event_type = "TicketReplied"
    version = 1

    message_id: UUID
    email_message_id: str
    in_reply_to: str | None = None
    to_email: str
    replied_by: str
    replied_at: AwareDatetime
    excerpt: str = Field(max_length=EXCERPT_MAX)
    requester_email: str | None = Field(
        default=None, description="The ticket's requester: the CRM files this on that customer's timeline"
    )


class TicketStatusChanged(_TicketEvent):
    """The ticket moved between statuses (a customer's message reopening it included)."""

    event_type = "TicketStatusChanged"
    version = 1

    from_status: StatusName
    to_status: StatusName
    changed_at: AwareDatetime
    requester_email: str


class TicketAssigned(_TicketEvent):
    """The ticket has a new assignee: chosen by an agent or by round-robin."""

    event_type = "TicketAssigned"
    version = 1

    assignee: str | None = Field(description="The agent's sub; None: unassigned")
    previous_assignee: str | None = None
    assigned_at: AwareDatetime


class TicketMerged(_TicketEvent):
    """This ticket lives on in ``merged_into``: replies to it land there from now on."""

    event_type = "TicketMerged"
    version = 1

    merged_into: UUID
    merged_into_number: str = Field(pattern=_NUMBER)
    merged_at: AwareDatetime
    requester_email: str | None = Field(
        default=None, description="The ticket's requester: the CRM files this on that customer's timeline"
    )


class InboundEmailRejected(DomainEvent):
    """An email to a support address could not become a ticket (no usable sender, too large, unparseable).
    It is recorded with its reason and its raw MIME kept; agents see it at ``GET /support/rejected``."""

    context = "support"
    event_type = "InboundEmailRejected"
    version = 1

    inbound_id: UUID = Field(description="The recorded rejection")
    mailbox: str = Field(description="The support address it was delivered to")
    reason: Literal["no_usable_sender", "too_large", "unparseable"]
    detail: str = Field(max_length=EXCERPT_MAX)
    sender: str | None = Field(default=None, description="The sender, when one could be read")
    subject: str | None = Field(default=None, max_length=EXCERPT_MAX)
    size: int = Field(ge=0, description="Bytes of the raw message")
    received_at: AwareDatetime


SlaTargetName = Literal["first_response", "next_response", "resolution"]


class TicketSlaWarning(_TicketEvent):
    """A ticket's SLA target is close (its warning point, in business time, has passed): raised once per
    target by the ``sla-check`` batch."""

    event_type = "TicketSlaWarning"
    version = 1

    target: SlaTargetName
    priority: PriorityName
    due_at: AwareDatetime | None = Field(
        description="When the target is due (business hours counted); null while the ticket's clock is paused"
    )
    warned_at: AwareDatetime = Field(description="When the check saw it")
    assignee: str | None = None


class TicketSlaBreached(_TicketEvent):
    """A ticket missed an SLA target: raised once per target by the ``sla-check`` batch. The breach escalates
    the ticket's priority one step (``priority`` -> ``escalated_to``; urgent stays urgent and the team lead is
    told); this event is that change, there is no separate priority event for it."""

    event_type = "TicketSlaBreached"
    version = 1

    target: SlaTargetName
    priority: PriorityName = Field(description="The priority before the escalation")
    escalated_to: PriorityName = Field(description="The priority after it (the same when it was urgent)")
    due_at: AwareDatetime
    breached_at: AwareDatetime = Field(description="When the check saw it")
    assignee: str | None = None
    requester_email: str | None = Field(
        default=None, description="The ticket's requester: the CRM files this on that customer's timeline"
    )


class CsatRecorded(_TicketEvent):
    """The requester rated the ticket from the survey link (once per ticket). The comment stays on the ticket;
    the event says only whether there is one."""

    event_type = "CsatRecorded"
    version = 1

    rating: int = Field(ge=1, le=5, description="1 (very unhappy) to 5 (very happy)")
    has_comment: bool
    recorded_at: AwareDatetime
    requester_email: str | None = Field(
        default=None, description="The ticket's requester: the CRM files this on that customer's timeline"
    )


class BouncedRecipient(BaseModel):
    """One recipient of a delivery status notification (RFC 3464)."""

    model_config = ConfigDict(frozen=True)

    address: str
    action: str = Field(max_length=64, description="failed, delayed, delivered, relayed or expanded")
    status: str | None = Field(default=None, max_length=32, description="The enhanced status code, e.g. 5.1.1")
    permanent: bool = Field(description="A permanent failure: the address is marked undeliverable")


class EmailBounced(DomainEvent):
    """A delivery status notification came back for one of our messages. With ``ticket_id`` when it was matched
    to the ticket of the message that bounced (shown there as a note); each permanently failed address is
    marked undeliverable in the same transaction."""

    context = "support"
    event_type = "EmailBounced"
    version = 1

    inbound_id: UUID = Field(description="The stored delivery record of the notification")
    ticket_id: UUID | None = None
    number: str | None = Field(default=None, pattern=_NUMBER)
    original_message_id: str | None = Field(default=None, description="The Message-ID of the message that bounced")
    recipients: list[BouncedRecipient]
    received_at: AwareDatetime
